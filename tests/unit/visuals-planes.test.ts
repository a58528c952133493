/**
 * The playground's image operations: hand-computed references, and the same numbers as the
 * engine's own Conv2D → ReLU → MaxPool2D inference pass (cpu backend) on a real picture.
 */
import { describe, expect, it } from 'vitest';
import { createDevice } from '../../src/engine/backend/device';
import { kernelFitImage, KERNEL_FIT_SIZE } from '../../src/engine/data/kernel-fit';
import { parseGraph } from '../../src/engine/graph/validate';
import { compileInference } from '../../src/engine/train/network';
import { CLASSIC_KERNELS, classicKernel } from '../../src/engine/visuals/classic-kernels';
import { correlate, greyFromRgba, kernelsOf, maxPool, plane, planesOf, rangeOf, relu } from '../../src/engine/visuals/planes';

describe('classic kernels (table 17-1)', () => {
  it('lists the nine in the table’s order with its exact values', () => {
    expect(CLASSIC_KERNELS.map((k) => k.seedName)).toEqual(['sharpness', 'vertical edge', 'surround', 'sobel y', 'nothing', 'horizontal edge', 'blur', 'sobel x', 'embossing']);
    expect(classicKernel('sobel-x').values).toEqual([-1, 0, 1, -2, 0, 2, -1, 0, 1]);
    expect(classicKernel('surround').values).toEqual([1, 1, 1, 1, -9, 1, 1, 1, 1]);
    expect(classicKernel('emboss').values).toEqual([2, 0, 0, 0, -1, 0, 0, 0, -1]);
    for (const k of CLASSIC_KERNELS) expect(k.values, k.id).toHaveLength(9);
  });

  it('names the known ones when asked for an unknown kernel', () => {
    expect(() => classicKernel('laplace')).toThrow('no classic kernel "laplace" (known: sharpen, vertical-edge');
  });
});

describe('correlate', () => {
  // 4×4 image 0…15, row-major
  const img = plane(4, 4, Float32Array.from({ length: 16 }, (_, i) => i));

  it('Sobel x on a ramp: every window sees the same horizontal step (by hand: (2+4+2)·1 = 8)', () => {
    const out = correlate(img, classicKernel('sobel-x').values, 3, 3);
    expect([out.width, out.height]).toEqual([2, 2]);
    expect([...out.data]).toEqual([8, 8, 8, 8]);
  });

  it('Sobel y on the same ramp: the vertical step is 4 per row, (1+2+1)·8 = 32', () => {
    expect([...correlate(img, classicKernel('sobel-y').values, 3, 3).data]).toEqual([32, 32, 32, 32]);
  });

  it('is a cross-correlation (no kernel flip): an off-centre tap picks its own neighbour', () => {
    // only the top-left tap: output(y, x) = img(y, x)
    const out = correlate(img, [1, 0, 0, 0, 0, 0, 0, 0, 0], 3, 3);
    expect([...out.data]).toEqual([0, 1, 4, 5]);
  });

  it('handles non-square kernels and images', () => {
    const wide = plane(3, 2, Float32Array.from([1, 2, 3, 4, 5, 6]));
    // 1×2 kernel [1, −1]: a − b along each row
    expect([...correlate(wide, [1, -1], 1, 2).data]).toEqual([-1, -1, -1, -1]);
  });

  it('refuses a kernel larger than the image and a wrong value count, with the numbers', () => {
    expect(() => correlate(plane(2, 2), classicKernel('blur').values, 3, 3)).toThrow('a 3×3 kernel does not fit in a 2×2 image');
    expect(() => correlate(img, [1, 2, 3], 3, 3)).toThrow('a 3×3 kernel has 9 values, got 3');
  });
});

describe('relu and maxPool', () => {
  it('ReLU zeroes the negatives only', () => {
    expect([...relu(plane(4, 1, Float32Array.from([-2, -0.5, 0, 3]))).data]).toEqual([0, 0, 0, 3]);
  });

  it('2×2 max pooling, stride 2, drops an odd last row and column', () => {
    const p = plane(5, 3, Float32Array.from([1, 9, 2, 3, 7, 4, 5, 8, 0, 7, 6, 6, 6, 6, 6]));
    const out = maxPool(p);
    expect([out.width, out.height]).toEqual([2, 1]);
    expect([...out.data]).toEqual([9, 8]);
  });
});

describe('greyFromRgba', () => {
  it('rounds BT.601 luma to whole 8-bit steps', () => {
    // pure red: 0.299·255 = 76.245 → 76; white → 255; (10, 20, 30): 2.99 + 11.74 + 3.42 = 18.15 → 18
    const g = greyFromRgba([255, 0, 0, 255, 255, 255, 255, 255, 10, 20, 30, 0], 3, 1);
    expect([...g.data].map((v) => Math.round(v * 255))).toEqual([76, 255, 18]);
    expect(g.data[0]).toBe(Math.fround(76 / 255));
  });

  it('says how many bytes it expected', () => {
    expect(() => greyFromRgba([0, 0, 0], 1, 1)).toThrow('1×1 RGBA pixels are 4 bytes, got 3');
  });
});

describe('planesOf and kernelsOf', () => {
  it('splits C×H×W into C planes in channel order', () => {
    const ps = planesOf([2, 1, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect(ps.map((p) => [p.width, p.height, ...p.data])).toEqual([
      [3, 1, 1, 2, 3],
      [3, 1, 4, 5, 6],
    ]);
    expect(() => planesOf([2, 2, 2], new Float32Array(7))).toThrow('a 2×2×2 tensor holds 8 values, got 7');
  });

  it('reads conv weights F×C×KH×KW as [output channel][input channel]', () => {
    const w = Float32Array.from({ length: 2 * 3 * 2 * 1 }, (_, i) => i);
    const ks = kernelsOf([2, 3, 2, 1], w);
    expect(ks).toHaveLength(2);
    expect(ks[0]).toHaveLength(3);
    // output 1, input 2 starts at (1·3 + 2)·2 = 10
    expect([ks[1][2].width, ks[1][2].height, ...ks[1][2].data]).toEqual([1, 2, 10, 11]);
  });

  it('rangeOf skips nothing but NaN', () => {
    expect(rangeOf([3, -1, NaN, 2])).toEqual({ min: -1, max: 3 });
    expect(rangeOf([NaN])).toEqual({ min: NaN, max: NaN });
  });
});

describe('the same numbers as the engine', () => {
  it('conv (Sobel x) → ReLU → 2×2 max pool on the kernel-fit image equals compileInference on cpu', async () => {
    const n = KERNEL_FIT_SIZE;
    const graph = parseGraph({
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [1, n, n] } },
        { id: 'conv', type: 'Conv2D', params: { filters: 1, kernelSize: [3, 3], useBias: false } },
        { id: 'relu', type: 'ReLU', params: {} },
        { id: 'pool', type: 'MaxPool2D', params: { poolSize: [2, 2] } },
      ],
      edges: [
        { from: 'input', to: 'conv', port: 0 },
        { from: 'conv', to: 'relu', port: 0 },
        { from: 'relu', to: 'pool', port: 0 },
      ],
    });
    const device = await createDevice('cpu');
    const inference = compileInference(graph, device, { batch: 1, allOutputs: true });
    const image = kernelFitImage();
    const sobel = Float32Array.from(classicKernel('sobel-x').values);
    const engine = await inference.run(image, { 'conv.weight': sobel });
    inference.destroy();
    device.destroy();

    const conv = correlate(plane(n, n, image), sobel, 3, 3);
    const act = relu(conv);
    const pool = maxPool(act);
    expect([pool.width, pool.height]).toEqual([39, 39]);
    const close = (a: Float32Array, b: Float32Array) => {
      expect(a.length).toBe(b.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst).toBeLessThan(1e-5);
    };
    close(conv.data, engine.conv);
    close(act.data, engine.relu);
    close(pool.data, engine.pool);
    // the picture has edges both ways: the test would notice a sign error
    const r = rangeOf(conv.data);
    expect(r.min).toBeLessThan(-0.5);
    expect(r.max).toBeGreaterThan(0.5);
  });
});
