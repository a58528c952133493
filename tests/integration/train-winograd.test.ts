/**
 * Winograd inside a whole training plan (im2col switched off: on webasm it takes every layer whose
 * columns stay under 2^24 values, Winograd the larger ones): a network whose 3×3 and 5×5 layers qualify
 * (stride 1, ≥ 16 channels in and out) trains through the Winograd kernels — forward, data and
 * weight gradients, the transformed tiles kept from forward to backward — and after several
 * momentum steps its weights, losses and accuracies equal the cpu backend's (direct kernels,
 * plain JavaScript) within f32 rounding. A wrong transform, tile or layout would drift at once.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { size } from '../../src/engine/layers/spec';
import { winogradFits } from '../../src/engine/layers/winograd-conv';
import { im2colSwitch } from '../../src/engine/layers/im2col';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { compileTrainSteps } from '../../src/engine/train/network';
import { initWeights } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { expectClose } from '../helpers/compare';
import { deviceFor } from '../helpers/backends';
import { chainGraph } from '../../bench/workloads';

const graph: Graph = chainGraph([
  { type: 'Input', params: { shape: [16, 11, 9] } },
  { type: 'Conv2D', params: { filters: 16, kernelSize: [3, 3], padding: 'same' } },
  { type: 'ReLU' },
  { type: 'Conv2D', params: { filters: 20, kernelSize: [3, 3] } },
  { type: 'ReLU' },
  { type: 'Conv2D', params: { filters: 16, kernelSize: [5, 5], padding: 'same', useBias: false } },
  { type: 'Flatten' },
  { type: 'Dense', params: { units: 5 } },
  { type: 'Softmax' },
]);
const BATCH = 3;
const STEPS = 4;

describe('Winograd in a training plan (webasm) equals the direct kernels (cpu)', () => {
  it('every conv layer qualifies, and 4 momentum steps give the same weights and losses', async () => {
    const report = inferShapes(graph);
    expect(report.ok).toBe(true);
    for (const n of report.nodes.filter((x) => x.type === 'Conv2D')) {
      const [C, H, W] = n.inShapes[0];
      const p = n.params as { filters: number; kernelSize: [number, number] };
      const [F, OH, OW] = n.outputShape!;
      const pad = (p.kernelSize[0] - 1) / 2;
      const same = OH === H;
      expect(winogradFits({ N: BATCH, C, H, W, F, KH: p.kernelSize[0], KW: p.kernelSize[1], OH, OW, SH: 1, SW: 1, PT: same ? pad : 0, PL: same ? pad : 0 }), n.id).not.toBeNull();
    }
    const rng = new Rng(9);
    const input = report.nodes.find((n) => n.type === 'Input')!;
    const batches = Array.from({ length: STEPS }, () => ({
      x: new Float32Array(BATCH * size(input.outputShape!)).map(() => rng.random() * 2 - 1),
      targets: Float32Array.from({ length: BATCH }, () => rng.int(5)),
    }));
    const start = initWeights(report, 'msra', 4);
    const optimizer = { name: 'momentum' as const, lr: 0.02, momentum: 0.9 };
    const results = [];
    for (const backend of ['webasm', 'cpu'] as const) {
      // small layers run as im2col on webasm: Winograd is for those whose columns would not fit
      im2colSwitch.enabled = false;
      let plan: ReturnType<typeof compileTrainSteps>;
      try {
        plan = compileTrainSteps(graph, await deviceFor(backend), { batch: BATCH, optimizer, steps: STEPS });
      } finally {
        im2colSwitch.enabled = true;
      }
      try {
        results.push(await plan.run({ batches, weights: start, optimizerState: {}, firstStep: 1, seed: 1 }));
      } finally {
        plan.destroy();
      }
    }
    const [wino, direct] = results;
    expectClose(wino.losses, direct.losses, 1e-4, 'losses');
    expect(wino.corrects).toEqual(direct.corrects);
    for (const k of Object.keys(direct.weights)) expectClose(wino.weights[k], direct.weights[k], 1e-4, k);
    // the steps did move the weights (the comparison is not between two copies of the start)
    expect(Math.max(...direct.weights['conv2d2.weight'].map((v, i) => Math.abs(v - start['conv2d2.weight'][i])))).toBeGreaterThan(1e-3);
  }, 300_000);
});
