/**
 * Resident training state: N steps recorded into one plan (weights, optimizer slots, BatchNorm
 * statistics and dropout counters stay on the device between them) give the same result as N
 * one-step plans that send everything back through JavaScript after every step.
 *
 * Bit for bit, on every backend: both plans run the very same kernels on the very same f32 values
 * in the same order — only where a buffer lives between two steps differs — and the dropout draws
 * depend only on (seed, step, layer, element). Any difference would be a residency bug.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { size } from '../../src/engine/layers/spec';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { compileTrainStep, compileTrainSteps } from '../../src/engine/train/network';
import type { OptimizerConfig } from '../../src/engine/train/optimizers';
import { initWeights, type WeightMap } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';

const graphOf = (name: string): Graph => JSON.parse(readFileSync(new URL(`../fixtures/graphs/${name}.json`, import.meta.url), 'utf8')) as Graph;

const cases: { name: string; graph: Graph; batch: number; optimizer: OptimizerConfig }[] = [
  { name: 'dropout net, Adam', graph: graphOf('small-dropout-mlp'), batch: 3, optimizer: { name: 'adam', lr: 0.01, weightDecay: 0.01 } },
  { name: 'seed MNIST CNN with BatchNorm, momentum', graph: graphOf('mnist-cnn'), batch: 2, optimizer: { name: 'momentum', lr: 0.05, momentum: 0.9 } },
];
const N = 4;
const SEED = 77;

function batches(graph: Graph, batch: number, seed: number) {
  const report = inferShapes(graph);
  const input = report.nodes.find((n) => n.type === 'Input')!;
  const output = report.nodes.find((n) => n.spec?.output)!;
  const rng = new Rng(seed);
  return Array.from({ length: N }, () => ({
    x: new Float32Array(batch * size(input.outputShape!)).map(() => rng.random() * 2 - 1),
    targets:
      output.spec!.output!.targets === 'class'
        ? Float32Array.from({ length: batch }, () => rng.int(output.outputShape![0]))
        : new Float32Array(batch * size(output.outputShape!)).map(() => rng.random() - 0.5),
  }));
}

const bytes = (m: WeightMap) => Object.values(m).reduce((n, t) => n + t.byteLength, 0);

describe(`${N} steps in one plan equal ${N} one-step plans, bit for bit`, () => {
  for (const backend of TEST_BACKENDS) {
    describe(backend, () => {
      for (const c of cases) {
        it(c.name, async () => {
          const device = await deviceFor(backend);
          const data = batches(c.graph, c.batch, 5);
          const start = initWeights(inferShapes(c.graph), 'xavier', 3);
          const single = compileTrainStep(c.graph, device, { batch: c.batch, optimizer: c.optimizer });
          const chunk = compileTrainSteps(c.graph, device, { batch: c.batch, optimizer: c.optimizer, steps: N });
          try {
            let weights = start;
            let optimizerState: WeightMap = {};
            const losses: number[] = [];
            const corrects: number[] = [];
            // starting mid-run (step 11) exercises the step-dependent parts: Adam's bias correction, dropout counters
            for (let t = 0; t < N; t++) {
              const o = await single.run({ ...data[t], weights, optimizerState, step: 11 + t, seed: SEED });
              weights = o.weights;
              optimizerState = o.optimizerState;
              losses.push(o.loss);
              corrects.push(o.correct);
            }
            const r = await chunk.run({ batches: data, weights: start, optimizerState: {}, firstStep: 11, seed: SEED });
            expect(chunk.backend).toBe(backend);
            // the plan stays fused (one command encoder / one wasm memory), never the per-kernel generic path
            if (backend !== 'cpu') expect(chunk.executorKind).not.toBe('generic');
            expect(r.losses).toEqual(losses);
            expect(r.corrects).toEqual(corrects);
            expect(Object.keys(r.weights).sort()).toEqual(Object.keys(weights).sort());
            for (const k of Object.keys(weights)) expect(r.weights[k], k).toEqual(weights[k]);
            for (const k of Object.keys(optimizerState)) expect(r.optimizerState[k], k).toEqual(optimizerState[k]);

            // what crossed between JavaScript and the device: state once each way per call, batches and 7 numbers per step
            const state = bytes(start) + bytes(r.optimizerState);
            const batchBytes = data.reduce((n, b) => n + b.x.byteLength + b.targets.byteLength, 0);
            expect(chunk.traffic).toEqual({ calls: 1, steps: N, bytesUp: batchBytes + N * 7 * 4 + state, bytesDown: 2 * N * 4 + state });
            expect(single.traffic.calls).toBe(N);
            expect(single.traffic.bytesUp + single.traffic.bytesDown).toBe(chunk.traffic.bytesUp + chunk.traffic.bytesDown + (N - 1) * 2 * state);
          } finally {
            single.destroy();
            chunk.destroy();
          }
        }, 120_000);
      }
    });
  }
});
