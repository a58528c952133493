/**
 * applyEvent, the run store's reducer, as a table: each worker event on a given live run gives
 * the run's new fields, whether it is shown now or with the next frame, whether its record is
 * written now or soon, and whether curves and weights moved. Plus the shared client core:
 * unreadable messages, answers matched by request id, and every request failed at exit.
 */
import { describe, expect, it } from 'vitest';
import { errorEvent } from '../../src/engine/worker/protocol';
import { readEvent, RequestBook } from '../../src/engine/worker/client-core';
import { applyEvent, zeroProgress, type LiveRun, type Outcome } from '../../src/renderer/training/run-events';
import { emptyCurves } from '../../src/renderer/training/curves-data';
import type { TrainingEvent } from '../../src/renderer/platform/training';

const v = 1 as const;
const base: LiveRun = {
  id: 'run-1',
  name: 'r',
  status: 'running',
  graph: { nodes: [], edges: [] },
  data: { kind: 'builtin', ref: { kind: 'shapes' } },
  hyper: { epochs: 2, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 } } as LiveRun['hyper'],
  backend: 'webasm',
  requestedBackend: 'auto',
  adapter: null,
  dataset: null,
  epochs: 2,
  progress: { ...zeroProgress(), epoch: 1, stepsPerEpoch: 8 },
  phase: null,
  error: null,
  final: null,
  checkpoint: { epoch: 1, step: 4, globalStep: 4 },
  finalWeights: null,
  startedAt: 0,
};
const dataset = { name: 'Shapes', classes: ['a', 'b'], inputShape: [4], trainCount: 64, valCount: 16, stepsPerEpoch: 8 };
const metrics = { epoch: 1, trainLoss: 0.5, trainAccuracy: 0.6, valLoss: 0.7, valAccuracy: 0.55 };
const runError = errorEvent('the loss is NaN', 'step', { epoch: 1, step: 3, node: 'fc', saved: { checkpoint: 'memory:latest', epoch: 1, step: 2 } });

type Row = [name: string, status: LiveRun['status'], event: unknown, live: Partial<LiveRun>, outcome: Partial<Omit<Outcome, 'live'>>];
const rows: Row[] = [
  ['ready', 'starting', { v, type: 'ready', backend: 'webgpu', requested: 'auto', adapter: 'SwiftShader', dataset, epochs: 3, resumedFrom: null }, { status: 'running', backend: 'webgpu', adapter: 'SwiftShader', epochs: 3, progress: { ...zeroProgress(), epoch: 1, stepsPerEpoch: 8, globalStep: 4 } }, { publish: 'now', save: 'now' }],
  ['ready, resumed', 'starting', { v, type: 'ready', backend: 'cpu', requested: 'cpu', adapter: null, dataset, epochs: 2, resumedFrom: { epoch: 1, step: 4 } }, { progress: { ...zeroProgress(), epoch: 1, step: 4, stepsPerEpoch: 8, globalStep: 4 } }, { publish: 'now', save: 'now' }],
  ['phase', 'starting', { v, type: 'phase', phase: 'compile' }, { phase: 'compile' }, { publish: 'now', save: 'none' }],
  // 8 + 6 steps of 8 samples left at 100 samples/s
  ['step', 'running', { v, type: 'step', epoch: 1, step: 2, stepsPerEpoch: 8, globalStep: 2, loss: 1, accuracy: 0.5, samplesPerSec: 100 }, { progress: { epoch: 1, step: 2, stepsPerEpoch: 8, globalStep: 2, samplesPerSec: 100, etaSeconds: 1.12 } }, { publish: 'frame', save: 'none', curves: true }],
  ['epoch', 'running', { v, type: 'epoch', ...metrics, seconds: 2, samplesPerSec: 32 }, { final: metrics }, { publish: 'frame', save: 'soon', curves: true, weights: true }],
  ['checkpoint', 'running', { v, type: 'checkpoint', path: 'memory:latest', epoch: 2, step: 0, globalStep: 8, reason: 'epoch' }, { checkpoint: { epoch: 2, step: 0, globalStep: 8 } }, { publish: 'now', save: 'soon' }],
  ['paused', 'running', { v, type: 'paused', epoch: 1, step: 3 }, { status: 'paused' }, { publish: 'now', save: 'now', weights: true }],
  ['resumed', 'paused', { v, type: 'resumed' }, { status: 'running' }, { publish: 'now', save: 'none' }],
  ['finished', 'running', { v, type: 'finished', reason: 'completed', weights: {}, epochs: 2, globalStep: 16, metrics }, { status: 'completed', final: metrics, finalWeights: {} }, { publish: 'now', save: 'now', weights: true }],
  ['finished, stopped', 'running', { v, type: 'finished', reason: 'stopped', weights: {}, epochs: 0, globalStep: 5, metrics: null }, { status: 'stopped', final: null }, { publish: 'now', save: 'now', weights: true }],
  ['run error', 'running', runError, { status: 'failed', error: { message: 'the loss is NaN', phase: 'step', node: 'fc', saved: { epoch: 1, step: 2 } } }, { publish: 'now', save: 'now' }],
  ['refused command while running', 'running', errorEvent('no such command', 'command'), { status: 'running', error: { message: 'no such command', phase: 'command', node: null, saved: null } }, { publish: 'now', save: 'none' }],
  ['failed request', 'running', errorEvent('infer: no sample 9', 'request', { requestId: 3 }), {}, { publish: 'none', save: 'none' }],
  ['worker died while running', 'running', { type: 'exit', expected: false, message: 'killed' }, { status: 'failed', error: { message: 'killed', phase: 'worker', node: null, saved: { epoch: 1, step: 4 } } }, { publish: 'now', save: 'now' }],
  ['worker died after the run', 'completed', { type: 'exit', expected: false, message: 'killed' }, { status: 'completed', error: { message: 'killed', phase: 'worker', node: null, saved: null } }, { publish: 'now', save: 'none' }],
  ['worker closed', 'running', { type: 'exit', expected: true, message: 'closed' }, {}, { publish: 'none', save: 'none' }],
];

describe('applyEvent', () => {
  it.each(rows)('%s', (_name, status, e, want, outcome) => {
    const live = { ...base, status };
    const curves = emptyCurves();
    const r = applyEvent(live, curves, e as TrainingEvent);
    expect(r.live).toMatchObject(want);
    expect(r).toMatchObject({ curves: false, weights: false, ...outcome });
    if (r.publish === 'none') expect(r.live).toBe(live);
    expect(live.status).toBe(status); // the run given is not changed
    expect(curves.step.loss.length + curves.epoch.length).toBe(r.curves ? 1 : 0);
  });

  it('smooths the throughput and clears the start-up phase with the first step', () => {
    const curves = emptyCurves();
    let live: LiveRun = { ...base, phase: 'compile' };
    for (const [g, sps] of [[1, 100], [2, 200]]) live = applyEvent(live, curves, { v, type: 'step', epoch: 1, step: g, stepsPerEpoch: 8, globalStep: g, loss: 1, accuracy: null, samplesPerSec: sps } as TrainingEvent).live;
    expect(live.phase).toBeNull();
    expect(live.progress.samplesPerSec).toBeCloseTo(120, 9);
    expect(curves.step.at).toEqual([0.125, 0.25]);
  });

  it('an epoch reported again replaces its point', () => {
    const curves = emptyCurves();
    const ep = { v, type: 'epoch', ...metrics, seconds: 1, samplesPerSec: 10 } as TrainingEvent;
    applyEvent(base, curves, ep);
    applyEvent(base, curves, { ...ep, trainLoss: 0.25 } as TrainingEvent);
    expect(curves.epoch.map((p) => p.trainLoss)).toEqual([0.25]);
  });
});

describe('worker client core', () => {
  it('reads an unreadable message as a worker error naming what is wrong', () => {
    const e = readEvent({ v, type: 'step', epoch: 'one' });
    expect(e.type).toBe('error');
    expect((e as { message: string }).message).toMatch(/^the training worker sent a message this version cannot read: invalid event "step": epoch: /);
  });

  it('numbers requests, settles each with its own answer or error, and fails the rest at exit', async () => {
    const book = new RequestBook((e) => new Error(`worker: ${e.message}`));
    const sent: number[] = [];
    const a = book.open('evaluate', (id) => sent.push(id));
    const b = book.open('getWeights', (id) => sent.push(id));
    const c = book.open('infer', (id) => sent.push(id));
    expect(sent).toEqual([1, 2, 3]);
    // an answer of the wrong type is not this request's
    expect(book.settle(readEvent({ v, type: 'weights', requestId: 1, weights: {} }))).toBe(false);
    expect(book.settle(readEvent({ v, type: 'weights', requestId: 2, weights: {} }))).toBe(true);
    expect(book.settle(errorEvent('no sample 9', 'request', { requestId: 3 }))).toBe(true);
    await expect(b).resolves.toMatchObject({ type: 'weights' });
    await expect(c).rejects.toThrow('worker: no sample 9');
    book.end(new Error('the training worker was killed'));
    await expect(a).rejects.toThrow('the training worker was killed');
    await expect(book.open('evaluate', () => undefined)).rejects.toThrow('the training worker was killed');
    const refused = book.open('evaluate', () => {
      throw new Error('channel closed');
    });
    await expect(refused).rejects.toThrow('the training worker was killed');
  });
});
