/**
 * A preview run (`start` with `preview: true`) in the real session on webasm: a graph with no
 * output layer (it ends in a Dense, as torchvision's ResNet-18 does when imported) opens, answers
 * `infer` with every node's output, and never trains; the same graph started for training is
 * refused with training's message.
 */
import { describe, expect, it } from 'vitest';
import { createNodeDevice } from '../../src/engine/backend/device.node.js';
import { openDataset } from '../../src/engine/data/open.node.js';
import type { Graph } from '../../src/engine/graph/types';
import { memoryCheckpointStore } from '../../src/engine/train/checkpoint';
import type { Command, EventOf, WorkerEvent } from '../../src/engine/worker/protocol';
import { TrainingSession } from '../../src/engine/worker/session';
import { inProcessSession } from './in-process-session';

const noOutput: Graph = {
  version: 1,
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 12, 12] } },
    { id: 'conv', type: 'Conv2D', params: { filters: 4, kernelSize: [3, 3] } },
    { id: 'relu', type: 'ReLU', params: {} },
    { id: 'gap', type: 'GlobalAvgPool', params: {} },
    { id: 'fc', type: 'Dense', params: { units: 5 } },
  ],
  edges: [
    { from: 'input', to: 'conv', port: 0 },
    { from: 'conv', to: 'relu', port: 0 },
    { from: 'relu', to: 'gap', port: 0 },
    { from: 'gap', to: 'fc', port: 0 },
  ],
} as unknown as Graph;

function start(preview: boolean | undefined): Extract<Command, { type: 'start' }> {
  return {
    v: 1,
    type: 'start',
    graph: noOutput,
    data: { kind: 'shapes', samples: 24, testSamples: 8 },
    hyper: { epochs: 1, batchSize: 1, optimizer: { name: 'sgd', lr: 0.01 }, backend: 'webasm', seed: 5 },
    ...(preview === undefined ? {} : { preview }),
  };
}

/** The first event after `from` that `pick` accepts (events arrive through the session's post). */
async function next<T extends WorkerEvent>(events: WorkerEvent[], pick: (e: WorkerEvent) => e is T, from = 0): Promise<T> {
  for (;;) {
    const hit = events.slice(from).find(pick);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 5));
  }
}
const isType =
  <K extends WorkerEvent['type']>(type: K) =>
  (e: WorkerEvent): e is Extract<WorkerEvent, { type: K }> =>
    e.type === type;

describe('preview run (forward only) on webasm', () => {
  it('answers infer with every node of a graph that has no output layer, and never trains', async () => {
    const { s, events } = inProcessSession();
    s.handle(start(true));
    const ready = await next(events, isType('ready'));
    expect(ready).toMatchObject({ backend: 'webasm', requested: 'webasm' });

    s.handle({ v: 1, type: 'infer', requestId: 1, sample: 2 });
    const inf = (await next(events, isType('inference'))) as EventOf<'inference'>;
    expect(Object.keys(inf.outputs).sort()).toEqual(['conv', 'fc', 'gap', 'input', 'relu']);
    expect(inf.outputs.conv.shape).toEqual([4, 10, 10]);
    expect(inf.outputs.relu.shape).toEqual([4, 10, 10]);
    expect(inf.outputs.gap.shape).toEqual([4]);
    expect(inf.outputs.fc.shape).toEqual([5]);
    expect(inf.outputs.input.data.some((v) => v !== 0)).toBe(true);

    // the numbers are the forward pass: ReLU of conv, the plane means, and W·mean + b with the run's weights
    const { conv, relu, gap, fc } = inf.outputs;
    relu.data.forEach((v, i) => expect(v).toBe(Math.max(0, conv.data[i])));
    for (let c = 0; c < 4; c++) {
      const plane = relu.data.subarray(c * 100, (c + 1) * 100);
      expect(gap.data[c]).toBeCloseTo(plane.reduce((a, b) => a + b, 0) / 100, 5);
    }
    s.handle({ v: 1, type: 'getWeights', requestId: 2 });
    const w = ((await next(events, isType('weights'))) as EventOf<'weights'>).weights;
    expect(w['fc.weight'].length).toBe(5 * 4);
    for (let u = 0; u < 5; u++) {
      let sum = w['fc.bias'][u];
      for (let c = 0; c < 4; c++) sum += w['fc.weight'][u * 4 + c] * gap.data[c];
      expect(fc.data[u]).toBeCloseTo(sum, 5);
    }

    // nothing to pause, evaluate or checkpoint: the first two are refused by name, pause is ignored
    const before = events.length;
    s.handle({ v: 1, type: 'pause' });
    s.handle({ v: 1, type: 'evaluate', requestId: 3 });
    const refused = (await next(events, (e): e is EventOf<'error'> => e.type === 'error' && e.requestId === 3, before)) as EventOf<'error'>;
    expect(refused.message).toBe('evaluate: this is a preview run (forward only, no training plans); start a training run for it');
    s.handle({ v: 1, type: 'checkpoint' });
    const noCkpt = (await next(events, (e): e is EventOf<'error'> => e.type === 'error' && e.where.phase === 'request' && e.requestId === null, before)) as EventOf<'error'>;
    expect(noCkpt.message).toBe('a preview run (forward only) has no training to checkpoint');

    // saliency keeps its own requirement, said for saliency
    s.handle({ v: 1, type: 'saliency', requestId: 5, sample: 0 });
    const why = (await next(events, (e): e is EventOf<'error'> => e.type === 'error' && e.requestId === 5)) as EventOf<'error'>;
    expect(why.message).toBe('saliency explains a classifier: the graph needs a Softmax output layer');

    // still answering after all that, with the same weights
    s.handle({ v: 1, type: 'infer', requestId: 4, sample: 2 });
    const again = (await next(events, (e): e is EventOf<'inference'> => e.type === 'inference' && e.requestId === 4)) as EventOf<'inference'>;
    expect(Array.from(again.outputs.fc.data)).toEqual(Array.from(fc.data));

    s.handle({ v: 1, type: 'stop', checkpoint: true });
    // (the harness's `done` settled at the first refusal: wait for the finish itself)
    const end = await next(events, isType('finished'));
    expect(end).toMatchObject({ type: 'finished', reason: 'stopped', epochs: 0, globalStep: 0 });
    expect(events.filter((e) => ['step', 'epoch', 'checkpoint', 'paused', 'resumed'].includes(e.type))).toEqual([]);
  });

  it('refuses a training start of the same graph with the training message, as before', async () => {
    for (const preview of [undefined, false]) {
      const { s, done } = inProcessSession();
      s.handle(start(preview));
      const e = (await done) as EventOf<'error'>;
      expect(e.type).toBe('error');
      expect(e.message).toBe('training needs an Input node and an output layer (Softmax classifier or Regression)');
      expect(e.where.phase).toBe('start');
    }
  });

  it('still needs valid shapes and data that fit the Input', async () => {
    const bad = inProcessSession();
    const graph = { ...noOutput, nodes: noOutput.nodes.map((n) => (n.id === 'conv' ? { ...n, params: { filters: 4, kernelSize: [13, 13] } } : n)) };
    bad.s.handle({ ...start(true), graph });
    const e = (await bad.done) as EventOf<'error'>;
    expect(e.type).toBe('error');
    expect(e.message).toMatch(/the graph has errors: conv: kernel 13×13 does not fit input 12×12/);
    expect(e.message).not.toMatch(/output layer/);

    // the desktop's opener checks the data against the Input, preview or not: 28×28 digits do not fit 12×12
    const events: WorkerEvent[] = [];
    const failed = new Promise<EventOf<'error'>>((resolve) => {
      const session = new TrainingSession({
        post: (ev) => {
          events.push(ev);
          if (ev.type === 'error') resolve(ev);
        },
        createDevice: createNodeDevice,
        openDataset,
        store: memoryCheckpointStore(),
        yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
        now: () => performance.now(),
      });
      session.handle({ ...start(true), data: { kind: 'mnist' } });
    });
    const misfit = await failed;
    expect(misfit.message).toMatch(/^the graph's Input is 1×12×12, but .* has samples of 1×28×28$/);
    expect(misfit.where.phase).toBe('data');
    expect(events.some((ev) => ev.type === 'ready')).toBe(false);
  });
});
