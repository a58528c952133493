import { describe, expect, it } from 'vitest';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { layerSuite } from '../helpers/layer-suite';

layerSuite('GlobalAvgPool', [
  { type: 'GlobalAvgPool', params: {}, inShapes: [[3, 7, 7]] },
  { type: 'GlobalAvgPool', params: {}, inShapes: [[5, 4, 6]], batch: 3 },
  { type: 'GlobalAvgPool', params: {}, inShapes: [[2, 1, 1]] },
  { type: 'GlobalAvgPool', params: {}, inShapes: [[1, 9, 5]] },
  // H·W = 55: a divisor whose f32 quotient lands low on webgpu
  { type: 'GlobalAvgPool', params: {}, inShapes: [[3, 5, 11]] },
]);

describe('GlobalAvgPool precision', () => {
  // one f32 running sum over a whole plane was 2.2e-4 off on webasm (values ~500); blocks of 1,024 positions are
  // summed apart now. 513 × 513 = 263,169 positions: 257 blocks and a rest of 1.
  const [C, H, W] = [2, 513, 513];
  const HW = H * W;
  const x = new Float32Array(C * HW).map((_, i) => 500 + ((i * 7) % 13) - 6 + 0.37 * ((i * 3) % 5));
  for (const b of TEST_BACKENDS.filter((b) => b !== 'webgpu')) {
    it(`${b}: channel means over 263,169 positions, mean 500, within 1e-5`, async () => {
      const runner = layerRunner(await deviceFor(b), 'GlobalAvgPool', {}, [[C, H, W]], 1, true);
      try {
        const r = await runner.run({ inputs: [x], gradOutput: new Float32Array(C) });
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let p = 0; p < HW; p++) s += x[c * HW + p];
          const mean = s / HW;
          expect(Math.abs(r.output[c] - mean) / mean, `channel ${c}`).toBeLessThan(1e-5);
        }
      } finally {
        runner.destroy();
      }
    });
  }
});
