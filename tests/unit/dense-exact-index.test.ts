/**
 * Indices past 2^24 (EXACT_INDEX in layers/conv-codegen.ts): gpu.js keeps a kernel's variables
 * in f32, so an index held in one goes wrong above 16,777,216 — AlexNet's and VGG-16's fc6
 * weights are bigger. A Dense layer with 4,097 × 4,096 weights must read and write every
 * element exactly on webgpu and cpu (forward of the last unit, the weight gradient's last rows);
 * webasm computes lane-varying indices in f32 whatever the source says, so there the network
 * compiler refuses such a layer before training (backend/limits.ts), naming layer and tensor.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLimitError } from '../../src/engine/backend/limits';
import { EXACT_INDEX } from '../../src/engine/layers/conv-codegen';
import { compileGraph } from '../../src/engine/train/network';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';

const F = 4096;
const U = 4097;

describe('Dense past 2^24 weights', () => {
  it('is bigger than the f32-exact range', () => expect(U * F).toBeGreaterThan(EXACT_INDEX));
  it.runIf(TEST_BACKENDS.includes('webasm'))('webasm: refused before training, naming the layer, the tensor, its size and the limit', async () => {
    const device = await deviceFor('webasm');
    const graph = {
      version: 1,
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [F] } },
        { id: 'fc6', type: 'Dense', params: { units: U } },
      ],
      edges: [{ from: 'in', to: 'fc6', port: 0 }],
    };
    let error: unknown;
    try {
      compileGraph(graph as never, device, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeviceLimitError);
    expect((error as Error).message).toBe(
      'layer fc6 (Dense): weight [4097×4096] has 16,781,312 values, over the 16,777,216 (2^24) a webasm kernel can index exactly (webasm computes lane-varying indices in float32); use a smaller layer, or the webgpu or cpu backend',
    );
  });
  for (const backend of TEST_BACKENDS.filter((b) => b !== 'webasm')) {
    it(`${backend}: the last rows are exact`, async () => {
      const device = await deviceFor(backend);
      const runner = layerRunner(device, 'Dense', { units: U, useBias: false }, [[F]], 1);
      try {
        // x = 1 at one odd position; weight row u holds u-dependent values there, so any
        // neighbouring element read by mistake shows
        const x = new Float32Array(F);
        x[F - 1] = 1;
        const weight = new Float32Array(U * F);
        for (let u = 0; u < U; u++) {
          weight[u * F + F - 1] = u % 1000;
          weight[u * F + F - 2] = -7;
        }
        const gradOutput = new Float32Array(U).map((_, u) => (u % 3) + 1);
        const r = await runner.run({ inputs: [x], params: { weight }, gradOutput });
        for (const u of [0, 4095, 4096]) expect(r.output[u], `y[${u}]`).toBe(u % 1000);
        const dw = r.paramGrads.weight;
        for (const u of [4094, 4095, 4096]) {
          expect(dw[u * F + F - 1], `dW[${u}, ${F - 1}]`).toBe((u % 3) + 1);
          expect(dw[u * F + F - 2], `dW[${u}, ${F - 2}]`).toBe(0);
        }
      } finally {
        runner.destroy();
      }
    }, 120_000);
  }
});
