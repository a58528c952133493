/**
 * Conv2D past 2^24 values (EXACT_INDEX in layers/conv-codegen.ts): VGG-16's first activations
 * pass 16,777,216 values from batch 6. Away from webasm, the generated kernels address every
 * buffer with inline i32 offsets on a 2-D grid; this layer's input, padded input, output and
 * delta all hold more than 2^24 values, and the last rows — where an f32 offset would round —
 * must match a plain JavaScript reference. webasm refuses such a layer before training.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLimitError } from '../../src/engine/backend/limits';
import { EXACT_INDEX } from '../../src/engine/layers/conv-codegen';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { compileGraph } from '../../src/engine/train/network';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';

const H = 4097;
const W = 4096;
const taps = [0.5, -2, 0.25];

describe('Conv2D past 2^24 values', () => {
  it('is bigger than the f32-exact range', () => expect(H * W).toBeGreaterThan(EXACT_INDEX));

  it.runIf(TEST_BACKENDS.includes('webasm'))('webasm: refused before training, naming the layer and the tensor (the input, first)', async () => {
    const device = await deviceFor('webasm');
    const graph = {
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [1, H, W] } },
        { id: 'conv', type: 'Conv2D', params: { filters: 1, kernelSize: [1, 3], padding: 'same' } },
      ],
      edges: [{ from: 'in', to: 'conv', port: 0 }],
    };
    expect(() => compileGraph(graph as never, device, 1)).toThrow(DeviceLimitError);
    expect(() => compileGraph(graph as never, device, 1)).toThrow('layer in (Input): its output [1×1×4097×4096] has 16,781,312 values, over the 16,777,216 (2^24) a webasm kernel can index exactly');
  });

  for (const backend of TEST_BACKENDS.filter((b) => b !== 'webasm')) {
    it(`${backend}: a 1×3 'same' convolution over 4,097 × 4,096 pixels is exact in its last rows`, async () => {
      const device = await deviceFor(backend);
      const runner = layerRunner(device, 'Conv2D', { filters: 1, kernelSize: [1, 3], padding: 'same' }, [[1, H, W]], 1);
      try {
        const x = new Float32Array(H * W).map((_, i) => (i % 7) - 3);
        // the delta is zero but in the last row, so the weight gradient reads only the far end
        const gradOutput = new Float32Array(H * W);
        for (let w = 0; w < W; w++) gradOutput[(H - 1) * W + w] = (w % 5) - 2;
        const r = await runner.run({ inputs: [x], params: { weight: Float32Array.from(taps), bias: Float32Array.of(0.125) }, gradOutput });
        const at = (h: number, w: number) => (w < 0 || w >= W ? 0 : x[h * W + w]);
        for (const h of [H - 2, H - 1]) {
          for (const w of [0, 1, W - 2, W - 1]) {
            const y = 0.125 + taps[0] * at(h, w - 1) + taps[1] * at(h, w) + taps[2] * at(h, w + 1);
            expect(r.output[h * W + w], `y[${h}, ${w}]`).toBeCloseTo(y, 5);
          }
        }
        const dy = (w: number) => (w < 0 || w >= W ? 0 : gradOutput[(H - 1) * W + w]);
        for (const w of [0, 1, W - 2, W - 1]) {
          const dx = taps[0] * dy(w + 1) + taps[1] * dy(w) + taps[2] * dy(w - 1);
          expect(r.inputGrads[0]![(H - 1) * W + w], `dx[${H - 1}, ${w}]`).toBeCloseTo(dx, 5);
        }
        for (let k = 0; k < 3; k++) {
          let dw = 0;
          for (let w = 0; w < W; w++) dw += dy(w) * at(H - 1, w + k - 1);
          expect(r.paramGrads.weight[k], `dW[${k}]`).toBeCloseTo(dw, 3);
        }
      } finally {
        runner.destroy();
      }
    }, 300_000);
  }
});
