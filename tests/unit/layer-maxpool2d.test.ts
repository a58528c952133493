import { describe, expect, it } from 'vitest';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { layerSuite } from '../helpers/layer-suite';

// distinct inputs: ties would make the argmax (and so the gradient) a matter of rounding.
// Each input tensor stays ≤ 200 values so neighbouring ramp values are > 0.01 apart and the
// finite-difference step (±0.01) never changes which cell wins.
layerSuite('MaxPool2D', [
  { type: 'MaxPool2D', params: { poolSize: [2, 2] }, inShapes: [[2, 7, 7]], distinct: true },
  { type: 'MaxPool2D', params: { poolSize: [3, 3], stride: [2, 2] }, inShapes: [[2, 5, 5]], distinct: true, batch: 3 },
  { type: 'MaxPool2D', params: { poolSize: [3, 3], stride: [3, 3], padding: [1, 1] }, inShapes: [[2, 7, 7]], distinct: true },
  { type: 'MaxPool2D', params: { poolSize: [2, 2], padding: 'same' }, inShapes: [[3, 5, 5]], distinct: true },
  { type: 'MaxPool2D', params: { poolSize: [3, 3], stride: [1, 1], padding: 'same' }, inShapes: [[1, 7, 9]], distinct: true, batch: 3 },
  { type: 'MaxPool2D', params: { poolSize: [2, 3], stride: [1, 2], padding: [1, 0] }, inShapes: [[2, 6, 7]], distinct: true },
  { type: 'MaxPool2D', params: { poolSize: [3, 3], stride: [2, 3], padding: 'same' }, inShapes: [[4, 5, 4]], distinct: true },
  // W = OW = 41, OH·OW = 82: divisors whose f32 quotient lands low on webgpu
  { type: 'MaxPool2D', params: { poolSize: [2, 3], stride: [1, 1], padding: 'same' }, inShapes: [[1, 2, 41]], distinct: true },
]);

// The suite's inputs are distinct, so ties need their own check: on a constant image every window
// is one big tie, and the gradient must go to the first real cell in window order (as PyTorch),
// never to padding (a zero pad would beat these negative values).
describe('MaxPool2D ties and padding', () => {
  for (const backend of TEST_BACKENDS) {
    it(`${backend}: first maximum wins, padded cells never do`, async () => {
      const device = await deviceFor(backend);
      // 4×4, pool 3×3, stride 2, same: one padded row and column after; windows start at 0 and 2
      const runner = layerRunner(device, 'MaxPool2D', { poolSize: [3, 3], stride: [2, 2], padding: 'same' }, [[1, 4, 4]], 1);
      try {
        const r = await runner.run({ inputs: [new Float32Array(16).fill(-0.5)], gradOutput: Float32Array.of(1, 2, 3, 4) });
        expect(Array.from(r.output)).toEqual([-0.5, -0.5, -0.5, -0.5]);
        const expected = new Float32Array(16);
        expected[0] = 1; // window (0,0) → cell (0,0)
        expected[2] = 2; // window (0,1) → cell (0,2)
        expected[8] = 3; // window (1,0) → cell (2,0)
        expected[10] = 4; // window (1,1) → cell (2,2)
        expect(Array.from(r.inputGrads[0]!)).toEqual(Array.from(expected));
      } finally {
        runner.destroy();
      }
    });
  }
});
