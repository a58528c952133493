/** Shared set-up of the worker tests: a small CNN on small Shapes, quick on webasm. */
import type { Graph } from '../../src/engine/graph/types';
import type { ClientEvent, WorkerClient } from '../../src/engine/worker/client.node.js';
import type { Command, HyperparametersInput } from '../../src/engine/worker/protocol';

export const smallCnn: Graph = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 16, 16] } },
    { id: 'conv', type: 'Conv2D', params: { filters: 4, kernelSize: [3, 3] } },
    { id: 'relu', type: 'ReLU', params: {} },
    { id: 'pool', type: 'MaxPool2D', params: { poolSize: [2, 2] } },
    { id: 'flat', type: 'Flatten', params: {} },
    { id: 'drop', type: 'Dropout', params: { rate: 0.2 } },
    { id: 'fc', type: 'Dense', params: { units: 6 } },
    { id: 'out', type: 'Softmax', params: {} },
  ],
  edges: [
    { from: 'input', to: 'conv', port: 0 },
    { from: 'conv', to: 'relu', port: 0 },
    { from: 'relu', to: 'pool', port: 0 },
    { from: 'pool', to: 'flat', port: 0 },
    { from: 'flat', to: 'drop', port: 0 },
    { from: 'drop', to: 'fc', port: 0 },
    { from: 'fc', to: 'out', port: 0 },
  ],
};

/** 240 training samples, batch 16: 15 steps per epoch; 48 test samples. */
export function startSmall(hyper: Partial<HyperparametersInput> = {}, extra: Partial<Extract<Command, { type: 'start' }>> = {}): Extract<Command, { type: 'start' }> {
  return {
    v: 1,
    type: 'start',
    graph: smallCnn,
    data: { kind: 'shapes', samples: 240, testSamples: 48 },
    hyper: { epochs: 2, batchSize: 16, optimizer: { name: 'momentum', lr: 0.05, momentum: 0.9 }, backend: 'webasm', seed: 3, ...hyper },
    ...extra,
  };
}

/** Every event of `type` until the run finishes (or fails). */
export function collect(client: WorkerClient): { events: ClientEvent[]; of<T extends ClientEvent['type']>(t: T): Extract<ClientEvent, { type: T }>[] } {
  const events: ClientEvent[] = [];
  client.on((e) => events.push(e));
  return { events, of: (t) => events.filter((e) => e.type === t) as never };
}

export function sameTensors(a: Record<string, Float32Array>, b: Record<string, Float32Array>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join() !== kb.join()) return false;
  return ka.every((k) => a[k].length === b[k].length && a[k].every((v, i) => Object.is(v, b[k][i])));
}
