/**
 * MaxPool2D past 2^24 values (EXACT_INDEX in layers/conv-codegen.ts), as after VGG-16's first
 * block at batch 8: away from webasm its kernels address with inline i32 offsets, so the last
 * windows of 1,025 planes of 128 × 128 pick, and route the gradient to, the right pixels.
 * (A saved argmax is a position inside its plane, in f32: one plane stays under 2^24.)
 */
import { describe, expect, it } from 'vitest';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';

const C = 1025;
const H = 128;
const W = 128;

describe('MaxPool2D past 2^24 values', () => {
  for (const backend of TEST_BACKENDS.filter((b) => b !== 'webasm')) {
    it(`${backend}: the last windows of 1,025 planes of 128 × 128 are exact`, async () => {
      const device = await deviceFor(backend);
      const runner = layerRunner(device, 'MaxPool2D', { poolSize: [2, 2] }, [[C, H, W]], 1);
      try {
        // each window's maximum at a position that depends on the window: a neighbour read shows
        const x = new Float32Array(C * H * W).map((_, i) => (i % 3) + ((i * 7) % 5) * 0.25);
        const OH = H / 2;
        const OW = W / 2;
        const gradOutput = new Float32Array(C * OH * OW).map((_, o) => (o % 11) + 1);
        const r = await runner.run({ inputs: [x], gradOutput });
        const plane = C - 1;
        for (const oh of [OH - 2, OH - 1]) {
          for (const ow of [0, OW - 1]) {
            const o = (plane * OH + oh) * OW + ow;
            let best = -Infinity;
            let at = -1;
            for (const [dh, dw] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
              const p = (plane * H + 2 * oh + dh) * W + 2 * ow + dw;
              if (x[p] > best) {
                best = x[p];
                at = p;
              }
            }
            expect(r.output[o], `y[${plane}, ${oh}, ${ow}]`).toBe(best);
            expect(r.inputGrads[0]![at], `dx at the argmax of window ${plane}, ${oh}, ${ow}`).toBe(gradOutput[o]);
          }
        }
      } finally {
        runner.destroy();
      }
    }, 300_000);
  }
});
