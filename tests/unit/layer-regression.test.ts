import { describe, expect, it } from 'vitest';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { layerSuite } from '../helpers/layer-suite';

// The suite runs Regression through `loss` (MSE against same-shaped targets) and finite-differences the loss.
layerSuite('Regression', [
  { type: 'Regression', params: {}, inShapes: [[5]], batch: 4 },
  { type: 'Regression', params: {}, inShapes: [[1]], batch: 3 },
  { type: 'Regression', params: {}, inShapes: [[2, 3, 4]], batch: 2 },
]);

describe('Regression loss precision', () => {
  // one f32 running sum over 525,000 squared errors (~10^4 each) was 2.3e-4 off on webasm; they go
  // through blockedSum now. 1,100 × 1,000 = 1,100,000: a block of 1,024² and a rest of 50 blocks
  // of 1,024 and 224 terms.
  const [F, N] = [1100, 1000];
  const z = new Float32Array(F * N).map((_, i) => 100 + ((i * 7) % 13) - 6 + 0.37 * ((i * 3) % 5));
  const y = new Float32Array(F * N).map((_, i) => (i % 11) * 0.5);
  let s = 0;
  for (let i = 0; i < z.length; i++) s += (z[i] - y[i]) ** 2;
  const mse = s / z.length;
  for (const b of TEST_BACKENDS.filter((b) => b !== 'webgpu')) {
    it(`${b}: mean squared error over 1,100,000 elements within 1e-5`, async () => {
      const runner = layerRunner(await deviceFor(b), 'Regression', {}, [[F]], N, true);
      try {
        const r = await runner.run({ inputs: [z], targets: y });
        expect(Math.abs(r.loss! - mse) / mse).toBeLessThan(1e-5);
      } finally {
        runner.destroy();
      }
    });
  }
});
