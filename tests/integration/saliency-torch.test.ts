/**
 * Grad-CAM on the last convolution and input-gradient saliency, computed by the engine's own
 * backward kernels (inference mode) on every backend, against PyTorch autograd on the same
 * weights and sample: the class scores, the score's gradient at the layer, the Grad-CAM map and
 * the input gradient.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { size } from '../../src/engine/layers/spec';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { compileSaliency } from '../../src/engine/train/saliency';
import { initWeights, tensorSlots, type WeightMap } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { expectClose } from '../helpers/compare';
import { torchReference } from '../helpers/torch';

const graphOf = (name: string): Graph => JSON.parse(readFileSync(new URL(`../fixtures/graphs/${name}.json`, import.meta.url), 'utf8')) as Graph;

interface Case {
  name: string;
  graph: Graph;
  /** The layer Grad-CAM reads: the last Conv2D in topological order. */
  layer: string;
  classIndex: number | undefined;
}

const cases: Case[] = [
  { name: 'seed MNIST CNN (BatchNorm on running statistics downstream), predicted class', graph: graphOf('mnist-cnn'), layer: 'conv2', classIndex: undefined },
  { name: 'ResNet basic block with projection (the input gradient sums both paths), class 1', graph: graphOf('resnet-basic-block'), layer: 'conv2', classIndex: 1 },
];

interface Reference {
  scores: number[];
  activationGrad: number[];
  gradCam: number[];
  inputGrad: number[];
  saliency: number[];
}

function prepare(c: Case, seed: number) {
  const report = inferShapes(c.graph);
  const weights: WeightMap = initWeights(report, 'xavier', seed);
  const rng = new Rng(seed + 7);
  // running statistics away from (0, 1), so inference-mode BatchNorm is really exercised
  for (const s of tensorSlots(report)) {
    if (s.name === 'running_mean') weights[s.key] = new Float32Array(s.size).map(() => rng.random() - 0.5);
    if (s.name === 'running_var') weights[s.key] = new Float32Array(s.size).map(() => 0.5 + rng.random());
  }
  const input = report.nodes.find((n) => n.type === 'Input')!;
  const x = new Float32Array(size(input.outputShape!)).map(() => rng.random());
  return { report, weights, x, xShape: [1, ...input.outputShape!] };
}

const prepared = cases.map((c, i) => prepare(c, 11 + i));
let reference: Reference[] = [];
let classes: number[] = [];

beforeAll(async () => {
  // the predicted class comes from the engine's cpu scores first (PyTorch is told which class to explain)
  const cpu = await deviceFor('cpu');
  classes = [];
  for (let i = 0; i < cases.length; i++) {
    const plan = compileSaliency(cases[i].graph, cpu);
    classes.push((await plan.run(prepared[i].x, prepared[i].weights, cases[i].classIndex)).classIndex);
    plan.destroy();
  }
  reference = await torchReference<Reference>(
    cases.map((c, i) => {
      const p = prepared[i];
      return {
        kind: 'saliency',
        graph: c.graph,
        layer: c.layer,
        classIndex: classes[i],
        weights: Object.fromEntries(tensorSlots(p.report).map((s) => [s.key, { data: p.weights[s.key], shape: s.shape }])),
        x: p.x,
        xShape: p.xShape,
      };
    }),
  );
}, 120_000);

describe('saliency matches PyTorch autograd', () => {
  for (const backend of TEST_BACKENDS) {
    describe(backend, () => {
      cases.forEach((c, i) => {
        it(c.name, async () => {
          const p = prepared[i];
          const device = await deviceFor(backend);
          const plan = compileSaliency(c.graph, device);
          try {
            const s = await plan.run(p.x, p.weights, c.classIndex);
            const ref = reference[i];
            expect(s.layer).toBe(c.layer);
            expect(s.classIndex).toBe(classes[i]);
            if (c.classIndex === undefined) expect(s.classIndex).toBe(ref.scores.indexOf(Math.max(...ref.scores)));
            const shape = p.report.byId.get(c.layer)!.outputShape!;
            expect(s.layerShape).toEqual(shape);
            expect(s.gradCam).toHaveLength(shape[1] * shape[2]);
            expect(s.saliency).toHaveLength(p.xShape[2] * p.xShape[3]);
            expectClose(s.scores, ref.scores, 1e-4, 'scores');
            expectClose(s.activationGrad, ref.activationGrad, 1e-4, 'd score / d layer');
            expectClose(s.gradCam, ref.gradCam, 1e-4, 'Grad-CAM');
            expectClose(s.inputGrad, ref.inputGrad, 1e-4, 'd score / d input');
            expectClose(s.saliency, ref.saliency, 1e-4, 'saliency');
            // not a vacuous map
            expect(Math.max(...s.gradCam)).toBeGreaterThan(0);
            expect(Math.max(...s.saliency)).toBeGreaterThan(0);
          } finally {
            plan.destroy(); // the device is this file's (deviceFor): kept for the next case
          }
        }, 120_000);
      });
    });
  }
});
