/**
 * The run store and the page's side of a worker (ChannelRunHandle), with the platform faked:
 * events become status, progress, curves and kept records; a burst of step events is published
 * once; requests are matched by id and fail when the worker dies; a stopped run resumes from its
 * checkpoint with its curves cut back to it; runs left running by a closed app are interrupted.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Command } from '../../src/engine/worker/protocol';
import type { RunRecord, StartRequest } from '../../src/renderer/platform/training';
import { ChannelRunHandle, type RunSink } from '../../src/renderer/platform/training-client';

const fake = {
  saved: new Map<string, unknown>(),
  /** saveRun calls, and those whose promise is still unresolved (a slow store) */
  saves: 0,
  slow: false,
  slowSaves: [] as (() => void)[],
  starts: [] as unknown[],
  sinks: [] as unknown[],
  sent: [] as unknown[][],
  closed: 0,
  checkpoints: new Set<string>(),
};

import { connectTraining } from '../../src/renderer/training/connect';
import { curvesOf, requests, NoRunError, SAVE_EVERY_MS, useTraining } from '../../src/renderer/training/store';

connectTraining({
  start: async (req: StartRequest) => {
    fake.starts.push(req);
    const h = new ChannelRunHandle(req.runId);
    const sent: Command[] = [];
    fake.sent.push(sent);
    fake.sinks.push(h.attach({ send: (c) => sent.push(c), close: () => fake.closed++ }));
    return h;
  },
  saveRun: async (r: RunRecord) => {
    fake.saves++;
    const copy = structuredClone(r);
    if (fake.slow) await new Promise<void>((done) => fake.slowSaves.push(done));
    fake.saved.set(r.id, copy);
  },
  listRuns: async () => [...fake.saved.values()].map((r) => structuredClone(r) as RunRecord),
  deleteRun: async (id: string) => void fake.saved.delete(id),
  hasCheckpoint: async (id: string) => fake.checkpoints.has(id),
  chooseData: async () => null,
  describeData: async () => {
    throw new Error('not used');
  },
  systemData: false,
  openWeights: async () => null,
});

const v = 1;
const GRAPH = { nodes: [{ id: 'input', type: 'Input', params: { shape: [4] } }], edges: [] };
const sink = (i = -1) => fake.sinks.at(i) as RunSink;
const sent = (i = -1) => fake.sent.at(i) as Command[];
const ready = { v, type: 'ready', backend: 'webasm', requested: 'auto', adapter: null, dataset: { name: 'Shapes', classes: ['a', 'b'], inputShape: [4], trainCount: 64, valCount: 16, stepsPerEpoch: 8 }, epochs: 2, resumedFrom: null };
const step = (g: number) => ({ v, type: 'step', epoch: Math.ceil(g / 8), step: ((g - 1) % 8) + 1, stepsPerEpoch: 8, globalStep: g, loss: 1 / g, accuracy: 0.5, samplesPerSec: 100 });
const errorEvent = (message: string, requestId: number | null = null) => ({
  v,
  type: 'error',
  message,
  where: { phase: requestId === null ? 'step' : 'request', epoch: 1, step: 3, node: 'fc' },
  saved: { checkpoint: 'memory:latest', epoch: 1, step: 2 },
  requestId,
});
const flush = async () => {
  await vi.advanceTimersByTimeAsync(1100);
};

async function startRun() {
  await useTraining.getState().start({ graph: GRAPH, data: { kind: 'builtin', ref: { kind: 'shapes' } }, hyper: { epochs: 2, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 } }, project: 'Net', dataLabel: 'Shapes' });
  return useTraining.getState().live!;
}

beforeEach(() => {
  vi.useFakeTimers();
  fake.saved.clear();
  fake.starts.length = 0;
  fake.sinks.length = 0;
  fake.sent.length = 0;
  fake.closed = 0;
  fake.checkpoints.clear();
  fake.saves = 0;
  fake.slow = false;
  fake.slowSaves.length = 0;
  useTraining.setState({ live: null, runs: [], overlay: [], curvesVersion: 0, weightsVersion: 0 });
});
afterEach(() => vi.useRealTimers());

describe('training run store', () => {
  it('follows a run from start to finish: status, backend, progress, curves, final metrics, kept record', async () => {
    const live = await startRun();
    expect(live.status).toBe('starting');
    expect(live.name).toBe('#1 Net · Shapes');
    expect(fake.saved.get(live.id)).toMatchObject({ status: 'starting', project: 'Net' });

    sink().message(ready);
    expect(useTraining.getState().live).toMatchObject({ status: 'running', backend: 'webasm', dataset: { valCount: 16 } });
    const before = useTraining.getState().curvesVersion;
    for (let g = 1; g <= 6; g++) sink().message(step(g));
    // appended at once, published once
    expect(curvesOf(live.id)!.step.globalStep).toEqual([1, 2, 3, 4, 5, 6]);
    expect(useTraining.getState().live!.progress.step).toBe(0);
    await flush();
    expect(useTraining.getState().curvesVersion).toBe(before + 1);
    const p = useTraining.getState().live!.progress;
    expect([p.epoch, p.step, p.globalStep]).toEqual([1, 6, 6]);
    // 10 steps of 8 left at 100 samples/s
    expect(p.etaSeconds).toBeCloseTo(0.8, 6);

    sink().message({ v, type: 'epoch', epoch: 1, trainLoss: 0.5, trainAccuracy: 0.6, valLoss: 0.7, valAccuracy: 0.55, seconds: 2, samplesPerSec: 32 });
    // published with the next frame, like the steps
    expect(useTraining.getState().weightsVersion).toBe(0);
    await flush();
    expect(useTraining.getState().live!.final).toEqual({ epoch: 1, trainLoss: 0.5, trainAccuracy: 0.6, valLoss: 0.7, valAccuracy: 0.55 });
    expect(useTraining.getState().weightsVersion).toBe(1);
    sink().message({ v, type: 'checkpoint', path: 'memory:latest', epoch: 2, step: 0, globalStep: 8, reason: 'epoch' });
    const weights = { 'fc.weight': new Float32Array([1, 2]) };
    sink().message({ v, type: 'finished', reason: 'completed', weights, epochs: 2, globalStep: 16, metrics: { epoch: 2, trainLoss: 0.3, trainAccuracy: 0.8, valLoss: 0.4, valAccuracy: 0.75 } });
    await vi.advanceTimersByTimeAsync(0);
    const done = useTraining.getState().live!;
    expect(done.status).toBe('completed');
    expect(done.final!.valAccuracy).toBe(0.75);
    expect(done.checkpoint).toEqual({ epoch: 2, step: 0, globalStep: 8 });
    const record = fake.saved.get(live.id) as RunRecord;
    expect(record.status).toBe('completed');
    expect(record.curves.step.loss).toHaveLength(6);
    expect(record.curves.epoch).toHaveLength(1);
    expect(useTraining.getState().runs.map((r) => r.id)).toEqual([live.id]);
  });

  it('answers requests through the worker (also after the run finished), matched by request id', async () => {
    await startRun();
    sink().message(ready);
    const w = requests.getWeights();
    const e = requests.evaluate();
    const [getW, evaluate] = sent().slice(-2) as { requestId: number }[];
    expect(sent().slice(-2).map((c) => c.type)).toEqual(['getWeights', 'evaluate']);
    sink().message({ v, type: 'evaluation', requestId: evaluate.requestId, loss: 0.5, accuracy: 0.9, count: 16, confusion: [[8, 0], [1, 7]] });
    sink().message({ v, type: 'weights', requestId: getW.requestId, weights: { 'fc.weight': new Float32Array([3]) } });
    await expect(e).resolves.toMatchObject({ loss: 0.5, accuracy: 0.9, count: 16, confusion: [[8, 0], [1, 7]] });
    expect((await w)['fc.weight']).toEqual(new Float32Array([3]));
    const i = requests.infer(2);
    const inferCmd = sent().at(-1) as { requestId: number; sample: number };
    expect(inferCmd.sample).toBe(2);
    sink().message(errorEvent('infer: no validation sample 2', inferCmd.requestId));
    await expect(i).rejects.toThrow('infer: no validation sample 2');
    // a failed request is not a failed run
    expect(useTraining.getState().live!.status).toBe('running');
  });

  it('keeps the curves and the message when the run fails, and fails pending requests when the worker dies', async () => {
    const live = await startRun();
    sink().message(ready);
    sink().message(step(1));
    sink().message({ v, type: 'checkpoint', path: 'memory:latest', epoch: 1, step: 1, globalStep: 1, reason: 'interval' });
    sink().message(errorEvent('training diverged at epoch 1, step 2: the loss is NaN'));
    const failed = useTraining.getState().live!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ message: 'training diverged at epoch 1, step 2: the loss is NaN', phase: 'step', node: 'fc', saved: { epoch: 1, step: 2 } });
    expect(curvesOf(live.id)!.step.loss).toEqual([1]);
    await vi.advanceTimersByTimeAsync(0); // the write queued behind the one in flight
    expect((fake.saved.get(live.id) as RunRecord).error).toMatch(/diverged/);

    await startRun();
    sink().message(ready);
    const pending = requests.evaluate();
    sink().exit({ expected: false, message: 'the training worker crashed: out of memory' });
    await expect(pending).rejects.toThrow('the training worker crashed: out of memory');
    expect(useTraining.getState().live).toMatchObject({ status: 'failed', error: { phase: 'worker', message: 'the training worker crashed: out of memory' } });
    await expect(requests.evaluate()).rejects.toThrow(NoRunError);
  });

  it('pause, resume and stop send their commands only when they make sense', async () => {
    await startRun();
    useTraining.getState().pause();
    expect(sent()).toEqual([]);
    sink().message(ready);
    useTraining.getState().pause();
    sink().message({ v, type: 'paused', epoch: 1, step: 3 });
    expect(useTraining.getState().live!.status).toBe('paused');
    useTraining.getState().resume();
    useTraining.getState().stop();
    expect(sent().map((c) => c.type)).toEqual(['pause', 'resume', 'stop']);
    expect(sent()[2]).toMatchObject({ checkpoint: true });
  });

  it('resumes a stopped run from its checkpoint, cutting its curves back to it', async () => {
    const live = await startRun();
    fake.closed = 0;
    sink().message(ready);
    for (let g = 1; g <= 5; g++) sink().message(step(g));
    sink().message({ v, type: 'checkpoint', path: 'memory:latest', epoch: 1, step: 3, globalStep: 3, reason: 'stop' });
    sink().message({ v, type: 'finished', reason: 'stopped', weights: {}, epochs: 0, globalStep: 5, metrics: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(useTraining.getState().live!.status).toBe('stopped');
    await expect(useTraining.getState().resumeRun(live.id)).rejects.toThrow('has no checkpoint to resume from');
    fake.checkpoints.add(live.id);
    await useTraining.getState().resumeRun(live.id);
    expect(fake.closed).toBe(1);
    expect(fake.starts.at(-1)).toMatchObject({ runId: live.id, resume: true });
    expect(curvesOf(live.id)!.step.globalStep).toEqual([1, 2, 3]);
    sink().message({ ...ready, resumedFrom: { epoch: 1, step: 3 } });
    expect(useTraining.getState().live!.progress).toMatchObject({ epoch: 1, step: 3, globalStep: 3 });
  });

  it('a run of one-step epochs: one publish per frame, the record written every few seconds and at the end with everything', async () => {
    const live = await startRun();
    sink().message({ ...ready, dataset: { ...ready.dataset, stepsPerEpoch: 1 }, epochs: 3000 });
    await vi.advanceTimersByTimeAsync(0);
    const savesAtStart = fake.saves;
    let publishes = 0;
    const off = useTraining.subscribe(() => publishes++);
    // 3000 epochs of one step, 4 ms each: 12 s
    for (let e = 1; e <= 3000; e++) {
      sink().message({ v, type: 'step', epoch: e, step: 1, stepsPerEpoch: 1, globalStep: e, loss: 1 / e, accuracy: null, samplesPerSec: 250 });
      sink().message({ v, type: 'epoch', epoch: e, trainLoss: 1 / e, trainAccuracy: null, valLoss: 2 / e, valAccuracy: null, seconds: 0.004, samplesPerSec: 250 });
      if (e % 100 === 0) sink().message({ v, type: 'checkpoint', path: 'memory:latest', epoch: e + 1, step: 0, globalStep: e, reason: 'interval' });
      await vi.advanceTimersByTimeAsync(4);
    }
    off();
    // no frames here: the one-second fallback publishes (a page gets one per frame); the 30
    // checkpoints and each record written update the state too — not 6000 updates
    expect(publishes).toBeLessThanOrEqual(12 + 30 + (fake.saves - savesAtStart) + 2);
    expect(useTraining.getState().live!.final!.epoch).toBeGreaterThanOrEqual(2990);
    // every 3 s while it runs: not 3000 writes
    expect(fake.saves - savesAtStart).toBeGreaterThanOrEqual(3);
    expect(fake.saves - savesAtStart).toBeLessThanOrEqual(Math.ceil(12_000 / SAVE_EVERY_MS) + 1);
    const mid = fake.saved.get(live.id) as RunRecord;
    expect(mid.status).toBe('running');
    expect(mid.curves.epoch.length).toBeGreaterThan(2000);

    sink().message({ v, type: 'finished', reason: 'completed', weights: {}, epochs: 3000, globalStep: 3000, metrics: { epoch: 3000, trainLoss: 1 / 3000, trainAccuracy: null, valLoss: 2 / 3000, valAccuracy: null } });
    await vi.advanceTimersByTimeAsync(0);
    const record = fake.saved.get(live.id) as RunRecord;
    expect(record.status).toBe('completed');
    expect(record.final!.epoch).toBe(3000);
    expect(record.checkpoint!.globalStep).toBe(3000);
    expect(record.curves.epoch.at(-1)!.epoch).toBe(3000);
    expect(record.curves.step.globalStep.at(-1)).toBe(3000);
    // nothing left to write later
    const saves = fake.saves;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.saves).toBe(saves);
  });

  it('writes records in order: a slow store never ends up with an older state than the last one', async () => {
    const live = await startRun();
    fake.slow = true;
    sink().message(ready);
    sink().message({ v, type: 'paused', epoch: 1, step: 0 });
    sink().message({ v, type: 'resumed' });
    sink().message({ v, type: 'paused', epoch: 1, step: 0 });
    sink().message(errorEvent('training diverged at epoch 1, step 2: the loss is NaN'));
    // one write in flight at a time, the newest record of the run waiting behind it
    for (let i = 0; i < 10 && fake.slowSaves.length > 0; i++) {
      fake.slowSaves.shift()!();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(fake.saves).toBeLessThanOrEqual(3);
    expect((fake.saved.get(live.id) as RunRecord).status).toBe('failed');
  });

  it('marks runs left running by a closed app as interrupted, and deletes runs', async () => {
    const base = { name: 'r', createdAt: 1, updatedAt: 1, project: 'p', graph: GRAPH, data: { kind: 'builtin', ref: { kind: 'shapes' } }, hyper: {}, backend: null, dataset: null, curves: { step: { globalStep: [], at: [], loss: [], accuracy: [] }, epoch: [] }, final: null, error: null, checkpoint: null };
    fake.saved.set('run-1', { ...base, id: 'run-1', status: 'running' });
    fake.saved.set('run-2', { ...base, id: 'run-2', status: 'completed', createdAt: 2 });
    await useTraining.getState().loadRuns();
    expect(useTraining.getState().runs.map((r) => [r.id, r.status])).toEqual([
      ['run-2', 'completed'],
      ['run-1', 'interrupted'],
    ]);
    expect((fake.saved.get('run-1') as RunRecord).status).toBe('interrupted');
    useTraining.getState().toggleOverlay('run-2');
    await useTraining.getState().remove('run-2');
    expect(useTraining.getState().overlay).toEqual([]);
    expect(fake.saved.has('run-2')).toBe(false);
  });
});

describe('ChannelRunHandle', () => {
  it('holds events that arrive before anyone listens, and turns unreadable messages into errors', () => {
    const h = new ChannelRunHandle('r');
    const s = h.attach({ send: () => undefined, close: () => undefined });
    s.message(ready);
    s.message({ v: 2, type: 'step' });
    const got: { type: string; message?: string }[] = [];
    h.onEvent((e) => got.push(e as never));
    expect(got.map((e) => e.type)).toEqual(['ready', 'error']);
    expect(got[1].message).toBe('the training worker sent a message this version cannot read: event has protocol version 2; this side speaks version 1');
  });

  it('refuses commands after the worker ended, saying why', () => {
    const h = new ChannelRunHandle('r');
    const s = h.attach({ send: () => undefined, close: () => undefined });
    s.exit({ expected: false, message: 'killed' });
    expect(h.alive).toBe(false);
    expect(() => h.pause()).toThrow('run r: the training worker has ended (killed)');
  });
});
