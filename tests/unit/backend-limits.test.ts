/** backend/limits.ts: what a device refuses before training, and how it says so. */
import { describe, expect, it } from 'vitest';
import { checkGrid, checkLayerFits, DeviceLimitError, layerTensors } from '../../src/engine/backend/limits';
import { compileGraph } from '../../src/engine/train/network';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';

const node = (inShape: number[], out: number[]) => ({ id: 'conv1', type: 'Conv2D', inShapes: [inShape], outputShape: out });
const limits = { maxBufferBytes: 128 * 2 ** 20, bufferLimitName: 'maxStorageBufferBindingSize' };

describe('device limits', () => {
  it('refuses a tensor over the buffer limit, naming layer, tensor, size and limit', () => {
    const t = layerTensors(node([64, 224, 224], [64, 224, 224]), { weight: [64, 64, 3, 3] }, {}, 16, true);
    expect(() => checkLayerFits(t, 'webgpu', limits)).toThrow(DeviceLimitError);
    expect(() => checkLayerFits(t, 'webgpu', limits)).toThrow(
      "layer conv1 (Conv2D): its input [16×64×224×224] needs 51,380,224 float32 values (196.0 MiB), over this device's maxStorageBufferBindingSize of 128.0 MiB; use a smaller batch",
    );
  });
  it('a weight over the limit asks for a smaller layer, not a smaller batch', () => {
    const t = layerTensors({ id: 'fc6', type: 'Dense', inShapes: [[25088]], outputShape: [4096] }, { weight: [4096, 25088] }, {}, 1, true);
    expect(() => checkLayerFits(t, 'webgpu', limits)).toThrow('layer fc6 (Dense): weight [4096×25088] needs 102,760,448 float32 values (392.0 MiB), over this device\'s maxStorageBufferBindingSize of 128.0 MiB; use a smaller layer');
  });
  it('past 2^24 values: fine on webgpu for exactly indexing layers and on cpu; refused on webasm and for the rest', () => {
    const big = layerTensors(node([64, 224, 224], [64, 224, 224]), {}, {}, 8, true);
    const roomy = { maxBufferBytes: Infinity, bufferLimitName: 'buffer limit' };
    expect(() => checkLayerFits(big, 'webgpu', roomy)).not.toThrow();
    expect(() => checkLayerFits(big, 'cpu', roomy)).not.toThrow();
    expect(() => checkLayerFits(big, 'webasm', roomy)).toThrow('over the 16,777,216 (2^24) a webasm kernel can index exactly');
    expect(() => checkLayerFits({ ...big, exactIndex: false }, 'webgpu', roomy)).toThrow("(Conv2D's kernels keep indices in float32 variables); use a smaller batch");
  });
  it('a kernel grid wider than the dispatch limit is refused when it is created', () => {
    expect(() => checkGrid([524280, 8], 65535)).not.toThrow();
    expect(() => checkGrid([600000, 1], 65535)).toThrow('a kernel grid of 600000 × 1 needs 75,000 workgroups along x, over this device\'s maxComputeWorkgroupsPerDimension of 65,535');
    expect(() => checkGrid(10_000_000, 65535)).not.toThrow();
  });
  it.runIf(TEST_BACKENDS.includes('webgpu'))('webgpu: a network whose layer needs such a grid is refused before training, naming the layer', async () => {
    const device = await deviceFor('webgpu');
    const graph = {
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [1] } },
        { id: 'wide', type: 'Dense', params: { units: 600000 } },
      ],
      edges: [{ from: 'in', to: 'wide', port: 0 }],
    };
    expect(() => compileGraph(graph as never, device, 1)).toThrow(/^layer wide \(Dense\): a kernel grid of 600000 × 1 needs 75,000 workgroups along x/);
  });
});
