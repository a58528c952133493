/**
 * Conv2D's bias gradient sums N·OH·OW output gradients per filter (convBackwardBiasSource). One f32
 * running sum over them drifted on webasm (2 × 257 × 513 values ~500: 2.2e-4 off), and blocks of
 * 1,024 summed straight into the total still did at 64 × 224 × 224 (1.6e-5); each sample's
 * positions go through blockedSum now, then the samples. 257 × 513 = 131,841 positions: 128 blocks
 * and a rest of 769; 224 × 224 = 50,176: 49 blocks, no rest.
 */
import { describe, expect, it } from 'vitest';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';

describe('Conv2D bias gradient precision', () => {
  const F = 2;
  for (const [N, H, W] of [[2, 257, 513], [64, 224, 224]]) {
    const HW = H * W;
    const dy = new Float32Array(N * F * HW).map((_, i) => 500 + ((i * 7) % 13) - 6 + 0.37 * ((i * 3) % 5));
    for (const b of TEST_BACKENDS.filter((b) => b !== 'webgpu')) {
      it(`${b}: Σ over ${N} × ${H} × ${W} output gradients per filter, mean 500, within 1e-5`, async () => {
        const runner = layerRunner(await deviceFor(b), 'Conv2D', { filters: F, kernelSize: [1, 1] }, [[1, H, W]], N, true);
        try {
          const r = await runner.run({ inputs: [new Float32Array(N * HW)], gradOutput: dy });
          for (let f = 0; f < F; f++) {
            let s = 0;
            for (let n = 0; n < N; n++) for (let p = 0; p < HW; p++) s += dy[(n * F + f) * HW + p];
            expect(Math.abs(r.paramGrads.bias[f] - s) / s, `filter ${f}`).toBeLessThan(1e-5);
          }
        } finally {
          runner.destroy();
        }
      });
    }
  }
});
