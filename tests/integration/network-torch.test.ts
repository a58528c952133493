/**
 * Whole networks against PyTorch: from identical weights, N optimizer steps on identical batches
 * must give the same weights (and BatchNorm running statistics) on every backend.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { compileTrainStep } from '../../src/engine/train/network';
import type { OptimizerConfig } from '../../src/engine/train/optimizers';
import { initWeights, tensorSlots, type WeightMap } from '../../src/engine/train/weights';
import { size } from '../../src/engine/layers/spec';
import { Rng } from '../../src/engine/util/rng';
import { counterUniforms, stepCounter } from '../../src/engine/layers/counter-random';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { expectClose } from '../helpers/compare';
import { torchReference } from '../helpers/torch';

const graphOf = (name: string): Graph => JSON.parse(readFileSync(new URL(`../fixtures/graphs/${name}.json`, import.meta.url), 'utf8')) as Graph;

interface NetCase {
  name: string;
  graph: Graph;
  batch: number;
  steps: number;
  optimizer: OptimizerConfig;
  tol: number;
}

const cases: NetCase[] = [
  { name: 'seed MNIST CNN (table 18-5), SGD momentum 0.9', graph: graphOf('mnist-cnn'), batch: 4, steps: 3, optimizer: { name: 'momentum', lr: 0.1, momentum: 0.9 }, tol: 2e-4 },
  { name: 'ResNet basic block with projection shortcut, SGD momentum 0.9', graph: graphOf('resnet-basic-block'), batch: 3, steps: 3, optimizer: { name: 'momentum', lr: 0.1, momentum: 0.9 }, tol: 2e-4 },
  { name: 'conv + tanh + avgpool + dropout + dense regression, Adam with weight decay', graph: graphOf('small-dropout-mlp'), batch: 3, steps: 3, optimizer: { name: 'adam', lr: 0.01, weightDecay: 0.01 }, tol: 2e-4 },
  // RMSprop divides by √(mean g²): with BatchNorm at batch 2 the upstream gradients are ~0 and it
  // would amplify float32 rounding noise into full steps, so this case uses a net without BatchNorm.
  { name: 'conv + tanh + avgpool + dropout + dense regression, RMSprop with weight decay', graph: graphOf('small-dropout-mlp'), batch: 4, steps: 3, optimizer: { name: 'rmsprop', lr: 0.001, rho: 0.9, weightDecay: 1e-3 }, tol: 5e-4 },
  { name: 'seed MNIST CNN, SGD with Nesterov momentum 0.9 and weight decay', graph: graphOf('mnist-cnn'), batch: 4, steps: 3, optimizer: { name: 'nesterov', lr: 0.05, momentum: 0.9, weightDecay: 1e-3 }, tol: 2e-4 },
  { name: 'conv + tanh + avgpool + dropout + dense regression, AdamW (decoupled weight decay 0.1)', graph: graphOf('small-dropout-mlp'), batch: 3, steps: 3, optimizer: { name: 'adamw', lr: 0.01, weightDecay: 0.1 }, tol: 2e-4 },
  { name: 'ResNet basic block, plain SGD', graph: graphOf('resnet-basic-block'), batch: 2, steps: 2, optimizer: { name: 'sgd', lr: 0.05 }, tol: 2e-4 },
];

interface Batch {
  x: Float32Array;
  targets: Float32Array;
  /** The dropout draws the engine makes on the device at this step, computed in JS for PyTorch. */
  random: WeightMap;
}

/** The runs' randomness key (dropout masks come from (seed, step) on the device). */
const SEED = 2024;

function prepare(c: NetCase, seed: number) {
  const report = inferShapes(c.graph);
  if (!report.ok) throw new Error(report.errors.map((e) => e.message).join('; '));
  const weights = initWeights(report, 'xavier', seed);
  const input = report.nodes.find((n) => n.type === 'Input')!;
  const output = report.nodes.find((n) => n.spec?.output)!;
  const rng = new Rng(seed + 1);
  const randomSizes = report.nodes.flatMap((n) => Object.entries(n.spec!.randomInputs?.(n.inShapes, n.params, c.batch) ?? {}).map(([k, s]) => [n.id, k, s] as const));
  const batches: Batch[] = Array.from({ length: c.steps }, (_, t) => {
    const x = new Float32Array(c.batch * size(input.outputShape!)).map(() => rng.random() * 2 - 1);
    const targets =
      output.spec!.output!.targets === 'class'
        ? Float32Array.from({ length: c.batch }, () => rng.int(output.outputShape![0]))
        : new Float32Array(c.batch * size(output.outputShape!)).map(() => rng.random() - 0.5);
    const random = Object.fromEntries(randomSizes.map(([node, k, s]) => [`${node}.${k}`, counterUniforms(stepCounter(SEED, t + 1), node, k, s)]));
    return { x, targets, random };
  });
  return { report, weights, input, batches };
}

const prepared = cases.map((c, i) => prepare(c, 42 + i));
let reference: { losses: number[]; weights: Record<string, number[]> }[] = [];

beforeAll(async () => {
  reference = await torchReference(
    cases.map((c, i) => {
      const p = prepared[i];
      return {
        kind: 'train',
        graph: c.graph,
        optimizer: c.optimizer,
        weights: Object.fromEntries(tensorSlots(p.report).map((s) => [s.key, { data: p.weights[s.key], shape: s.shape }])),
        batches: p.batches.map((b) => ({ x: b.x, xShape: [c.batch, ...p.input.outputShape!], targets: b.targets, random: b.random })),
      };
    }),
  );
}, 180_000);

describe('whole networks match PyTorch step for step', () => {
  for (const backend of TEST_BACKENDS) {
    describe(backend, () => {
      cases.forEach((c, i) => {
        it(c.name, async () => {
          const p = prepared[i];
          const device = await deviceFor(backend);
          const step = compileTrainStep(c.graph, device, { batch: c.batch, optimizer: c.optimizer });
          try {
            let weights = p.weights;
            let optimizerState: WeightMap = {};
            const losses: number[] = [];
            for (let t = 0; t < c.steps; t++) {
              const out = await step.run({ x: p.batches[t].x, targets: p.batches[t].targets, weights, optimizerState, step: t + 1, seed: SEED });
              weights = out.weights;
              optimizerState = out.optimizerState;
              losses.push(out.loss);
            }
            expect(step.backend).toBe(backend);
            const ref = reference[i];
            expectClose(losses, ref.losses, c.tol, 'losses');
            for (const s of tensorSlots(p.report)) expectClose(weights[s.key], ref.weights[s.key], c.tol, `${s.key} after ${c.steps} steps`);
          } finally {
            step.destroy();
          }
        });
      });
    });
  }
});
