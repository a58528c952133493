/**
 * Checkpoints and failures with the real forked worker: a run resumed from a checkpoint — in a
 * fresh process, after the first was killed with SIGKILL — ends bit for bit where the
 * uninterrupted run ends; a diverging run stops with the layer and step, keeping the last good
 * checkpoint; the parent never hangs on a dead worker.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src/engine/train/checkpoint';
import { WorkerClient, WorkerExitedError } from '../../src/engine/worker/client.node.js';
import { collect, sameTensors, startSmall } from './worker-helpers';

const dir = mkdtempSync(join(tmpdir(), 'convas-worker-test-'));
const clients: WorkerClient[] = [];
function fork(): WorkerClient {
  const c = WorkerClient.fork();
  clients.push(c);
  return c;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  rmSync(dir, { recursive: true, force: true });
});

const metricsOf = (events: { type: string }[]) =>
  events.filter((e) => e.type === 'epoch').map((e) => {
    const { seconds: _s, samplesPerSec: _r, v: _v, ...m } = e as Record<string, unknown>;
    return m;
  });

describe('checkpoints and recovery', () => {
  it('resumes from a checkpoint in a new worker, after the first was killed -9, exactly as an uninterrupted run', async () => {
    const a = fork();
    const logA = collect(a);
    a.send(startSmall({ epochs: 3 }));
    const whole = await a.next('finished');

    const ckpt = join(dir, 'run.ckpt');
    const b = fork();
    const logB = collect(b);
    b.send(startSmall({ epochs: 3, checkpointPath: ckpt, checkpointEverySteps: 20 }));
    // step 20 is mid-epoch 2 (15 steps per epoch): the checkpoint holds a half-done epoch
    const written = await b.next('checkpoint', (e) => e.globalStep === 20);
    expect(written).toMatchObject({ path: ckpt, epoch: 2, step: 5, reason: 'interval' });
    b.kill('SIGKILL');
    const exit = await b.exited;
    expect(exit).toMatchObject({ signal: 'SIGKILL', expected: true, lastCheckpoint: ckpt });
    // a dead worker never leaves the parent waiting
    await expect(b.next('finished')).rejects.toBeInstanceOf(WorkerExitedError);
    expect(() => b.send({ type: 'pause' })).toThrow(/killed by SIGKILL/);

    const c = fork();
    const logC = collect(c);
    c.send(startSmall({ epochs: 3, checkpointPath: ckpt }, { checkpoint: ckpt }));
    expect((await c.next('ready')).resumedFrom).toEqual({ epoch: 2, step: 5 });
    const resumed = await c.next('finished');
    expect(sameTensors(resumed.weights, whole.weights)).toBe(true);
    expect(resumed.globalStep).toBe(45);
    // epoch 1 was reported by b; epochs 2 and 3 by c — the same numbers as the whole run
    expect([...metricsOf(logB.events).slice(0, 1), ...metricsOf(logC.events)]).toEqual(metricsOf(logA.events));
    expect(logC.of('step')[0]).toMatchObject({ epoch: 2, step: 6, globalStep: 21 });
  });

  it('reports a worker killed from outside, and what was saved', async () => {
    const d = fork();
    const ckpt = join(dir, 'killed.ckpt');
    d.send(startSmall({ epochs: 20, checkpointPath: ckpt, checkpointEverySteps: 5 }));
    await d.next('checkpoint');
    const waiting = d.next('finished');
    process.kill(d.pid!, 'SIGKILL');
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerExitedError);
    expect((err as WorkerExitedError).message).toMatch(new RegExp(`training worker was killed by SIGKILL \\(killed, or out of memory\\); the last checkpoint is ${ckpt}`));
    expect((err as WorkerExitedError).exit.expected).toBe(false);
    expect(decodeCheckpoint(readFileSync(ckpt), ckpt).globalStep % 5).toBe(0);
  });

  it('writes a checkpoint on request and on stop, and refuses to resume with other settings', async () => {
    const e = fork();
    const ckpt = join(dir, 'stop.ckpt');
    e.send(startSmall({ epochs: 20, checkpointPath: ckpt }));
    await e.next('step', (s) => s.globalStep === 2);
    e.send({ type: 'checkpoint' });
    expect((await e.next('checkpoint')).reason).toBe('request');
    e.send({ type: 'stop', checkpoint: true });
    const saved = await e.next('checkpoint');
    expect(saved.reason).toBe('stop');
    const done = await e.next('finished');
    const state = decodeCheckpoint(readFileSync(ckpt), ckpt);
    expect(state.globalStep).toBe(done.globalStep);
    expect(sameTensors(state.weights, done.weights)).toBe(true);
    e.send(startSmall({ epochs: 20, batchSize: 8, checkpointPath: ckpt }, { checkpoint: ckpt }));
    expect((await e.next('error')).message).toMatch(/stop\.ckpt: written by a different run, resuming would not repeat it \(batch size 16 → 8\)/);
  });

  it('stops a diverging run with the step and the layer, keeping the last good checkpoint', async () => {
    const f = fork();
    const ckpt = join(dir, 'diverge.ckpt');
    const graph = {
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [1, 80, 80] } },
        { id: 'edges', type: 'Conv2D', params: { filters: 1, kernelSize: [3, 3], useBias: false } },
        { id: 'fit', type: 'Regression', params: {} },
      ],
      edges: [
        { from: 'input', to: 'edges', port: 0 },
        { from: 'edges', to: 'fit', port: 0 },
      ],
    };
    // lr 5 is twenty times the stable step for this image: the kernel grows ×~25 a step
    f.send({ v: 1, type: 'start', graph, data: { kind: 'kernel-fit' }, hyper: { epochs: 500, batchSize: 1, optimizer: { name: 'sgd', lr: 5 }, backend: 'webasm', checkpointPath: ckpt, checkpointEverySteps: 1 } });
    const err = await f.next('error');
    expect(err.where.phase).toBe('step');
    // the kernel stays finite: it is the squared error that overflows first
    expect(err.where.node).toBe('fit');
    expect(err.message).toMatch(/training diverged at epoch (\d+), step 1 \(step \1 of the run\): the loss is (Infinity|NaN); every layer's output is finite in an inference pass: the loss of fit \(Regression\) overflowed — try a lower learning rate \(now 5\)/);
    expect(err.saved.checkpoint).toBe(ckpt);
    const good = decodeCheckpoint(readFileSync(ckpt), ckpt);
    expect(good.globalStep).toBe(err.where.epoch! - 1);
    expect(good.weights['edges.weight'].every(Number.isFinite)).toBe(true);
    expect(err.message).toContain(`The last good checkpoint is ${ckpt}`);
    // asking for a checkpoint now must not replace the good one with the failed weights
    f.send({ type: 'checkpoint' });
    expect((await f.next('error')).message).toMatch(/the run failed; the last good checkpoint is kept/);
    expect(decodeCheckpoint(readFileSync(ckpt), ckpt).globalStep).toBe(good.globalStep);
  });

  it('names the first layer whose output is not finite, or the tensor that already is not', async () => {
    const g = fork();
    const huge = (n: number, v: number) => new Float32Array(n).fill(v);
    // finite weights whose products overflow float32 in the Dense layer (1e30 · 1e30)
    const weights = { 'conv.weight': huge(36, 1e30), 'conv.bias': huge(4, 0), 'fc.weight': huge(6 * 196, 1e30), 'fc.bias': huge(6, 0) };
    g.send(startSmall({}, { weights }));
    const err = await g.next('error');
    expect(err.where).toMatchObject({ phase: 'step', epoch: 1, step: 0, node: 'fc' });
    expect(err.message).toMatch(/training diverged at epoch 1, step 1 \(step 1 of the run\): the loss is NaN; the first non-finite value is in the output of layer fc \(Dense\)/);
    expect(err.saved.checkpoint).toBeNull();
    g.send(startSmall({}, { weights: { ...weights, 'conv.weight': huge(36, NaN) } }));
    const nan = await g.next('error');
    expect(nan.where.node).toBe('conv');
    expect(nan.message).toMatch(/tensor conv\.weight already holds non-finite values/);
  });
});
