/**
 * The real forked worker, driven over its protocol: start, metrics, pause/resume that changes
 * nothing, stop with the weights so far, and the requests the app makes (evaluate, infer, weights).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerClient } from '../../src/engine/worker/client.node.js';
import { collect, sameTensors, startSmall } from './worker-helpers';

let client: WorkerClient;
beforeAll(() => {
  client = WorkerClient.fork();
});
afterAll(async () => {
  await client?.close();
});

describe('training worker', () => {
  let uninterrupted: Record<string, Float32Array>;
  let uninterruptedEpochs: unknown[];

  it('starts, reports the backend in use, streams step and epoch metrics, and finishes with weights', async () => {
    const log = collect(client);
    client.send(startSmall());
    const ready = await client.next('ready');
    expect(ready.backend).toBe('webasm');
    expect(ready.dataset).toMatchObject({ trainCount: 240, valCount: 48, stepsPerEpoch: 15, classes: ['circle', 'square', 'triangle', 'cross', 'ring', 'star'] });
    const done = await client.next('finished');
    expect(done.reason).toBe('completed');
    const steps = log.of('step');
    expect(steps).toHaveLength(30);
    expect(steps[0]).toMatchObject({ epoch: 1, step: 1, globalStep: 1, stepsPerEpoch: 15 });
    expect(steps[29]).toMatchObject({ epoch: 2, step: 15, globalStep: 30 });
    for (const s of steps) {
      expect(Number.isFinite(s.loss)).toBe(true);
      expect(s.accuracy).toBeGreaterThanOrEqual(0);
      expect(s.samplesPerSec).toBeGreaterThan(0);
    }
    const epochs = log.of('epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs) {
      expect(e.valAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.valLoss).toBeGreaterThan(0);
    }
    // the epoch's training loss is the mean of its steps' losses
    const mean = steps.slice(15).reduce((a, s) => a + s.loss, 0) / 15;
    expect(epochs[1].trainLoss).toBeCloseTo(mean, 10);
    expect(Object.keys(done.weights).sort()).toEqual(['conv.bias', 'conv.weight', 'fc.bias', 'fc.weight']);
    uninterrupted = done.weights;
    uninterruptedEpochs = epochs.map(({ seconds: _s, samplesPerSec: _r, ...m }) => m);
  });

  it('answers evaluate, infer (every layer) and getWeights with the current weights', async () => {
    const evaluation = await client.request({ type: 'evaluate' });
    expect(evaluation.count).toBe(48);
    expect(evaluation.accuracy).toBe((uninterruptedEpochs[1] as { valAccuracy: number }).valAccuracy);
    expect(evaluation.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(48);
    const inference = await client.request({ type: 'infer', sample: 3 });
    expect(Object.keys(inference.outputs)).toEqual(['input', 'conv', 'relu', 'pool', 'flat', 'drop', 'fc', 'out']);
    expect(inference.outputs.conv.shape).toEqual([4, 14, 14]);
    expect(inference.outputs.conv.data).toHaveLength(4 * 14 * 14);
    const probs = Array.from(inference.outputs.out.data);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const bad = client.request({ type: 'infer', x: new Float32Array(10) });
    await expect(bad).rejects.toThrow(/the sample has 10 values, the Input needs 256 \(1×16×16\)/);
    const w = await client.request({ type: 'getWeights' });
    expect(sameTensors(w.weights, uninterrupted)).toBe(true);
  });

  it('pauses between steps and resumes bit for bit as if never paused', async () => {
    const log = collect(client);
    client.send(startSmall());
    await client.next('step', (e) => e.globalStep === 4);
    client.send({ v: 1, type: 'pause' });
    const paused = await client.next('paused');
    const stepsAtPause = log.of('step').length;
    // events arrive in order: every step taken before the pause has been reported, no other
    expect(stepsAtPause).toBe((paused.epoch - 1) * 15 + paused.step);
    await new Promise((r) => setTimeout(r, 400));
    expect(log.of('step').length).toBe(stepsAtPause); // nothing moves while paused
    // requests still work while paused
    expect((await client.request({ type: 'getWeights' })).weights['fc.weight']).toHaveLength(6 * 49 * 4);
    client.send({ v: 1, type: 'resume' });
    await client.next('resumed');
    const done = await client.next('finished');
    expect(sameTensors(done.weights, uninterrupted)).toBe(true);
    expect(log.of('epoch').map(({ seconds: _s, samplesPerSec: _r, ...m }) => m)).toEqual(uninterruptedEpochs);
  });

  it('stops cleanly with the weights so far: exactly where it was when paused, promptly when running', async () => {
    client.send(startSmall({ epochs: 50 }));
    await client.next('step', (e) => e.globalStep === 3);
    client.send({ v: 1, type: 'pause' });
    const paused = await client.next('paused');
    const atPause = await client.request({ type: 'getWeights' });
    client.send({ v: 1, type: 'stop' });
    const done = await client.next('finished');
    expect(done.reason).toBe('stopped');
    expect(done.globalStep).toBe(paused.step); // still in epoch 1: steps done so far
    expect(done.epochs).toBe(0);
    expect(done.metrics).toBeNull();
    expect(sameTensors(done.weights, atPause.weights)).toBe(true);
    expect(sameTensors(done.weights, uninterrupted)).toBe(false);

    client.send(startSmall({ epochs: 50 }));
    await client.next('step', (e) => e.globalStep === 3);
    const sent = performance.now();
    client.send({ v: 1, type: 'stop' });
    const running = await client.next('finished');
    expect(running.reason).toBe('stopped');
    expect(running.globalStep).toBeLessThan(50 * 15);
    expect(performance.now() - sent).toBeLessThan(2000);
    expect(Object.values(running.weights).every((t) => t.every(Number.isFinite))).toBe(true);
  });

  it('refuses bad messages and bad runs with an error event, and stays alive', async () => {
    client.send({ v: 1, type: 'pause', extra: 1 } as never);
    expect((await client.next('error')).message).toMatch(/invalid command "pause": \(message\): Unrecognized key: "extra"/);
    client.child.send({ v: 2, type: 'pause' });
    expect((await client.next('error')).message).toMatch(/protocol version 2; this side speaks version 1/);
    const g = structuredClone(startSmall());
    (g.graph as { nodes: { params: Record<string, unknown> }[] }).nodes[1].params.filters = 0;
    client.send(g);
    const err = await client.next('error');
    expect(err.where).toMatchObject({ phase: 'start', node: 'conv' });
    expect(err.message).toMatch(/conv.*filters must be ≥ 1, got 0/);
    client.send(startSmall({}, { data: { kind: 'folder', path: '/nonexistent/data' } }));
    const dataErr = await client.next('error');
    expect(dataErr.where.phase).toBe('data');
    expect(dataErr.message).toMatch(/\/nonexistent\/data: no such folder/);
    client.send(startSmall({}, { data: { kind: 'kernel-fit' } }));
    expect((await client.next('error')).message).toMatch(/graph's Input is 1×16×16, but Kernel fit .* has samples of 1×80×80/);
    expect(client.alive).toBe(true);
  });

  it("speaks through Electron's process.parentPort when there is one", async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const shim = new URL('./worker-parentport-shim.ts', import.meta.url).href;
    const entry = fileURLToPath(new URL('../../src/engine/worker/node-host.node.ts', import.meta.url));
    const child = fork(entry, [], { execArgv: ['--import', tsx, '--import', shim], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const reply = new Promise<{ viaParentPort: boolean; message: { type: string; message: string } }>((resolve) => child.once('message', resolve as never));
    child.send({ v: 1, type: 'getWeights', requestId: 7 });
    const got = await reply;
    child.kill();
    expect(got.viaParentPort).toBe(true);
    expect(got.message).toMatchObject({ type: 'error', requestId: 7, message: 'no run yet: send start first' });
  });
});
