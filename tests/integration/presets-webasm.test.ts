/**
 * The presets through webasm's native kernels (im2col + GEMMs for the convolutions, native Dense):
 * every preset with an output layer under 0.2 GFLOP per sample takes two momentum steps at batch 2
 * on webasm and on the cpu backend (gpu.js's direct kernels in plain JavaScript) from the same
 * weights and batches, and the losses and every weight agree within f32 rounding. Strided and
 * padded convolutions, 1×1 projections, 5×5 and 3×3 kernels, BatchNorm, pooling and Dense all
 * pass through here on the native path; the native modules are counted so the comparison cannot
 * pass with them switched off.
 */
import { describe, expect, it } from 'vitest';
import { trainablePresets } from '../helpers/presets';
import { size } from '../../src/engine/layers/spec';
import { compileTrainSteps } from '../../src/engine/train/network';
import { initWeights } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { nativeStats } from '../../src/engine/backend/native/hook';
import { deviceFor } from '../helpers/backends';
import { expectClose } from '../helpers/compare';

/** Forward FLOPs per sample above which the cpu backend's reference step is too slow for CI. */
const STEP_FLOPS = 2e8;
const BATCH = 2;
const STEPS = 2;

const presets = trainablePresets().filter((p) => p.report.ok && p.flops < STEP_FLOPS);

describe('presets on webasm’s native kernels equal the cpu backend', () => {
  it('covers the small presets', () => {
    expect(presets.map((p) => p.file)).toEqual(expect.arrayContaining(['lenet5.convas.json', 'resnet8-cifar.convas.json', 'seed-cifar10-keras.convas.json', 'seed-mnist-cnn.convas.json']));
  });

  for (const { file, project, report } of presets) {
    it(file, async () => {
      const input = report.nodes.find((n) => n.type === 'Input')!;
      const output = report.nodes.find((n) => n.spec?.output)!;
      const classes = output.outputShape![0];
      const rng = new Rng(11);
      const batches = Array.from({ length: STEPS }, () => ({
        x: new Float32Array(BATCH * size(input.outputShape!)).map(() => rng.random() * 2 - 1),
        targets:
          output.spec!.output!.targets === 'class'
            ? Float32Array.from({ length: BATCH }, () => rng.int(classes))
            : new Float32Array(BATCH * size(output.outputShape!)).map(() => rng.random()),
      }));
      const start = initWeights(report, 'msra', 3);
      const optimizer = { name: 'momentum' as const, lr: 0.01, momentum: 0.9 };
      const results = [];
      for (const backend of ['webasm', 'cpu'] as const) {
        const before = nativeStats.modules;
        const plan = compileTrainSteps(project.graph, await deviceFor(backend), { batch: BATCH, optimizer, steps: STEPS });
        try {
          results.push(await plan.run({ batches, weights: start, optimizerState: {}, firstStep: 1, seed: 1 }));
        } finally {
          plan.destroy();
        }
        if (backend === 'webasm') expect(nativeStats.modules, 'native modules built for the webasm plan').toBeGreaterThan(before);
      }
      const [native, reference] = results;
      expectClose(native.losses, reference.losses, 1e-4, 'losses');
      for (const k of Object.keys(reference.weights)) expectClose(native.weights[k], reference.weights[k], 1e-4, k);
    }, 300_000);
  }
});
