import { describe, expect, it } from 'vitest';
import { BatchNorm } from '../../src/engine/layers/batchnorm';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { layerSuite } from '../helpers/layer-suite';

// Training cases check the output, γ/β/input gradients and the updated running statistics;
// inference cases (`training: false`) normalise with the given running statistics.
layerSuite('BatchNorm', [
  { type: 'BatchNorm', params: {}, inShapes: [[6]], batch: 4 },
  // m = 2 values per channel: the unbiased factor m/(m − 1) is exactly 2
  { type: 'BatchNorm', params: { momentum: 0.3 }, inShapes: [[5]], batch: 2 },
  { type: 'BatchNorm', params: {}, inShapes: [[3, 4, 5]], batch: 3 },
  { type: 'BatchNorm', params: { momentum: 1, epsilon: 1e-3 }, inShapes: [[2, 3, 3]], batch: 4 },
  { type: 'BatchNorm', params: { momentum: 0 }, inShapes: [[4]], batch: 3 },
  { type: 'BatchNorm', params: {}, inShapes: [[6]], batch: 4, training: false },
  { type: 'BatchNorm', params: { epsilon: 1e-3 }, inShapes: [[3, 4, 5]], batch: 3, training: false },
  // 41 and 189 positions per channel: divisors whose f32 quotient SwiftShader gets wrong (decode must be exact)
  { type: 'BatchNorm', params: {}, inShapes: [[3, 1, 41]], batch: 2 },
  { type: 'BatchNorm', params: {}, inShapes: [[2, 7, 27]], batch: 2, training: false },
]);

describe('BatchNorm rules', () => {
  it('starts with γ = 1, β from the initializer (zeros), running mean 0 and running variance 1', () => {
    expect(Array.from(BatchNorm.initParam!('weight', 3) ?? [])).toEqual([1, 1, 1]);
    expect(BatchNorm.initParam!('bias', 3)).toBeUndefined();
    expect(Array.from(BatchNorm.initState!('running_mean', 2))).toEqual([0, 0]);
    expect(Array.from(BatchNorm.initState!('running_var', 2))).toEqual([1, 1]);
  });

  it('refuses to train on one value per channel, naming the numbers', async () => {
    const device = await deviceFor('cpu');
    const runner = layerRunner(device, 'BatchNorm', {}, [[4]], 1, true);
    try {
      await expect(runner.run({ inputs: [new Float32Array(4)], gradOutput: new Float32Array(4) })).rejects.toThrow(/more than one value per channel.*batch 1 × 1 position/);
    } finally {
      runner.destroy();
    }
  });
  it.runIf(TEST_BACKENDS.includes('webasm'))('webasm (f32): statistics over half a million values per channel, mean 500, within 1e-4', async () => {
    // one f32 running sum over all of them lost 1.5 % of the mean at 2 M values (and the variance
    // with it); each sample's positions are summed apart now
    // 33 × 33: a block of 1,024 positions and a rest of 65 per sample
    const [C, H, W, N] = [2, 33, 33, 512];
    const HW = H * W;
    const x = new Float32Array(N * C * HW).map((_, i) => 500 + ((i * 7) % 13) - 6 + 0.37 * ((i * 3) % 5));
    const runner = layerRunner(await deviceFor('webasm'), 'BatchNorm', { momentum: 1 }, [[C, H, W]], N, true);
    try {
      const r = await runner.run({ inputs: [x], gradOutput: new Float32Array(x.length) });
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let n = 0; n < N; n++) for (let p = 0; p < HW; p++) s += x[(n * C + c) * HW + p];
        const mean = s / (N * HW);
        let q = 0;
        for (let n = 0; n < N; n++) for (let p = 0; p < HW; p++) q += (x[(n * C + c) * HW + p] - mean) ** 2;
        const unbiased = q / (N * HW - 1);
        expect(Math.abs(r.state.running_mean[c] - mean) / mean, `mean of channel ${c}`).toBeLessThan(1e-4);
        expect(Math.abs(r.state.running_var[c] - unbiased) / unbiased, `variance of channel ${c}`).toBeLessThan(1e-4);
      }
    } finally {
      runner.destroy();
    }
  });
  it.runIf(TEST_BACKENDS.includes('webasm'))('webasm (f32): two samples of 1,400 × 1,400 positions, mean 500: blocks of blocks, within 1e-5', async () => {
    // blocks of 1,024 positions summed straight into one total (3,828 of them here) drifted
    // 1.6e-5 of the mean at 64 × 224 × 224; each sample is now summed as blocks of blocks
    const [C, H, W, N] = [1, 1400, 1400, 2];
    const HW = H * W;
    const x = new Float32Array(N * C * HW).map((_, i) => 500 + ((i * 7) % 13) - 6 + 0.37 * ((i * 3) % 5));
    const runner = layerRunner(await deviceFor('webasm'), 'BatchNorm', { momentum: 1 }, [[C, H, W]], N, true);
    try {
      const r = await runner.run({ inputs: [x], gradOutput: new Float32Array(x.length) });
      let s = 0;
      for (const v of x) s += v;
      const mean = s / x.length;
      expect(Math.abs(r.state.running_mean[0] - mean) / mean).toBeLessThan(1e-5);
    } finally {
      runner.destroy();
    }
  });
});
