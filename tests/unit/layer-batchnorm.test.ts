import { describe, expect, it } from 'vitest';
import { BatchNorm } from '../../src/engine/layers/batchnorm';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { deviceFor } from '../helpers/backends';
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
});
