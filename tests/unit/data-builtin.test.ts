import { describe, expect, it } from 'vitest';
import { correlate3x3, HORIZONTAL_EDGE_KERNEL, kernelFitDataset, KERNEL_FIT_OUT, KERNEL_FIT_SIZE } from '../../src/engine/data/kernel-fit';
import { previewDataset } from '../../src/engine/data/preview';
import { DatasetRefSchema, openBuiltinDataset } from '../../src/engine/data/ref';
import { drawShape, SHAPE_CLASSES, shapesDataset } from '../../src/engine/data/shapes';
import { Rng } from '../../src/engine/util/rng';

describe('Shapes', () => {
  it('is deterministic per seed and sample, whatever range it is read in', async () => {
    const a = shapesDataset({ samples: 40, seed: 7 });
    const b = shapesDataset({ samples: 40, seed: 7 });
    const whole = await a.train.read(0, 40);
    const part = await b.train.read(13, 5);
    expect(part.x).toEqual(whole.x.slice(13 * 784, 18 * 784));
    expect(part.y).toEqual(whole.y.slice(13, 18));
    const other = await shapesDataset({ samples: 40, seed: 8 }).train.read(13, 5);
    expect(other.x).not.toEqual(part.x);
  });

  it('has balanced classes, pixels in [0, 1], and a test split drawn apart from training', async () => {
    const d = shapesDataset({ samples: 60, testSamples: 12, size: 32, channels: 3 });
    expect(d.inputShape).toEqual([3, 32, 32]);
    expect(d.classes).toEqual(['circle', 'square', 'triangle', 'cross', 'ring', 'star']);
    const r = await d.train.read(0, 60);
    const counts = new Array(6).fill(0);
    for (const y of r.y) counts[y]++;
    expect(counts).toEqual([10, 10, 10, 10, 10, 10]);
    expect(r.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    const t = await d.test!.read(0, 12);
    expect(t.x).not.toEqual(r.x.slice(0, 12 * 3 * 32 * 32));
  });

  it('draws a visible shape: the image is not flat, and colour channels differ in RGB', async () => {
    const { x } = await shapesDataset({ samples: 6, channels: 3 }).train.read(0, 6);
    for (let s = 0; s < 6; s++) {
      const img = x.subarray(s * 3 * 784, (s + 1) * 3 * 784);
      const mean = img.reduce((p, v) => p + v, 0) / img.length;
      const spread = Math.sqrt(img.reduce((p, v) => p + (v - mean) ** 2, 0) / img.length);
      expect(spread).toBeGreaterThan(0.1);
      expect(img.subarray(0, 784)).not.toEqual(img.subarray(784, 1568));
    }
  });

  it('takes size and channels from the graph Input, and names bad options', async () => {
    expect((await openBuiltinDataset({ kind: 'shapes' }, { inputShape: [3, 32, 32] })).inputShape).toEqual([3, 32, 32]);
    expect(() => shapesDataset({ channels: 2 })).toThrow(/channels must be 1 \(grey\) or 3 \(RGB\), got 2/);
    expect(() => shapesDataset({ samples: 0 })).toThrow(/samples must be a whole number ≥ 1, got 0/);
    expect(() => shapesDataset({ classes: ['circle'] })).toThrow(/two or more/);
  });

  it('draws as many classes as asked, up to ten: the first n shapes, balanced and seeded', async () => {
    const d = shapesDataset({ classes: 10, samples: 100, seed: 3 });
    expect(d.classes).toEqual(['circle', 'square', 'triangle', 'cross', 'ring', 'star', 'diamond', 'ellipse', 'arrow', 'heart']);
    expect(d.name).toBe('Shapes (grey 28×28, 10 classes)');
    const r = await d.train.read(0, 100);
    const counts = new Array(10).fill(0);
    for (const y of r.y) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(10));
    expect((await shapesDataset({ classes: 10, samples: 100, seed: 3 }).train.read(37, 4)).x).toEqual(r.x.slice(37 * 784, 41 * 784));
    expect(shapesDataset({ classes: 3 }).classes).toEqual(['circle', 'square', 'triangle']);
    expect(shapesDataset({ classes: ['heart', 'circle'] }).classes).toEqual(['heart', 'circle']);
    expect((await openBuiltinDataset({ kind: 'shapes', classes: 10 })).classes).toHaveLength(10);
  });

  it('keeps the original six by default, sample for sample', async () => {
    const d = shapesDataset({ samples: 12 });
    expect(d.classes).toEqual(SHAPE_CLASSES.slice(0, 6));
    const r = await d.train.read(0, 12);
    expect([...r.y]).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
    // the pixels of the six-class set as drawn before the four new shapes existed
    expect(r.x.reduce((a, v) => a + v, 0)).toBeCloseTo(4635.518443796318, 6);
    expect((await shapesDataset({ samples: 12, classes: 6 }).train.read(0, 12)).x).toEqual(r.x);
  });

  it('draws ten different shapes: at one place, size, tilt and colours, any two differ in many pixels', () => {
    const masks = SHAPE_CLASSES.map((shape) => {
      const x = new Float32Array(784);
      // the same seed: the same geometry, colours and noise; only the outline differs
      drawShape(shape, new Rng(1), 28, 1, x);
      return x;
    });
    for (let a = 0; a < masks.length; a++) {
      for (let b = a + 1; b < masks.length; b++) {
        let differ = 0;
        for (let i = 0; i < 784; i++) if (Math.abs(masks[a][i] - masks[b][i]) > 0.1) differ++;
        expect(differ, `${SHAPE_CLASSES[a]} vs ${SHAPE_CLASSES[b]}`).toBeGreaterThanOrEqual(25);
      }
    }
  });

  it('names a bad class count or list', () => {
    expect(() => shapesDataset({ classes: 1 })).toThrow('Shapes: classes must be a whole number from 2 to 10, got 1');
    expect(() => shapesDataset({ classes: 11 })).toThrow('Shapes: classes must be a whole number from 2 to 10, got 11');
    expect(() => shapesDataset({ classes: 2.5 })).toThrow('got 2.5');
    expect(() => shapesDataset({ classes: ['circle', 'circle'] })).toThrow('Shapes: classes must be two or more different ones of circle, square, triangle, cross, ring, star, diamond, ellipse, arrow, heart, got circle, circle');
    expect(DatasetRefSchema.safeParse({ kind: 'shapes', classes: 10 }).success).toBe(true);
    expect(DatasetRefSchema.safeParse({ kind: 'shapes', classes: ['star', 'heart'] }).success).toBe(true);
    expect(DatasetRefSchema.safeParse({ kind: 'shapes', classes: 11 }).success).toBe(false);
    expect(DatasetRefSchema.safeParse({ kind: 'shapes', classes: ['hexagon'] }).success).toBe(false);
  });

  it('previews every class among its samples (Shapes labels sample i with class i mod n)', async () => {
    for (const classes of [3, 6, 10]) {
      const p = await previewDataset(shapesDataset({ classes }));
      expect(p.samples).toHaveLength(12);
      expect(new Set(p.samples.map((s) => s.label)).size).toBe(classes);
    }
    expect((await previewDataset(shapesDataset({ classes: 10, samples: 5 }))).samples.map((s) => s.label)).toEqual(['circle', 'square', 'triangle', 'cross', 'ring']);
  });
});

describe('Kernel fit (17.3.7)', () => {
  it('is the 80×80 image and its horizontal-edge response, 78×78', async () => {
    const d = kernelFitDataset();
    expect(d.inputShape).toEqual([1, 80, 80]);
    expect(d.targetShape).toEqual([1, 78, 78]);
    const { x, y } = await d.train.read(0, 1);
    // the operator written out: 2·centre − above − below
    for (const [r, c] of [[0, 0], [10, 40], [77, 77], [40, 3]]) {
      const at = (i: number, j: number) => x[i * 80 + j];
      expect(y[r * 78 + c]).toBeCloseTo(2 * at(r + 1, c + 1) - at(r, c + 1) - at(r + 2, c + 1), 6);
    }
  });

  it('is rich in edges: gradient descent from zero reaches MSE < 1e-7 within 4,000 steps at lr 0.25', async () => {
    const { x, y } = await kernelFitDataset().train.read(0, 1);
    const n = KERNEL_FIT_SIZE;
    const m = KERNEL_FIT_OUT * KERNEL_FIT_OUT;
    // normal equations: the loss is quadratic, so GD only needs XᵀX and Xᵀy
    const xtx = new Float64Array(81);
    const xty = new Float64Array(9);
    let yty = 0;
    for (let r = 0; r < KERNEL_FIT_OUT; r++) {
      for (let c = 0; c < KERNEL_FIT_OUT; c++) {
        const p: number[] = [];
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) p.push(x[(r + i) * n + c + j]);
        const t = y[r * KERNEL_FIT_OUT + c];
        for (let a = 0; a < 9; a++) {
          xty[a] += p[a] * t;
          for (let b = 0; b < 9; b++) xtx[a * 9 + b] += p[a] * p[b];
        }
        yty += t * t;
      }
    }
    const w = new Float64Array(9);
    let steps = 0;
    let loss = Infinity;
    for (; steps < 4000; steps++) {
      const xw = Array.from({ length: 9 }, (_, a) => w.reduce((s, wb, b) => s + xtx[a * 9 + b] * wb, 0));
      loss = (w.reduce((s, wa, a) => s + wa * xw[a], 0) - 2 * w.reduce((s, wa, a) => s + wa * xty[a], 0) + yty) / m;
      if (loss < 1e-7) break;
      for (let a = 0; a < 9; a++) w[a] -= (0.25 * 2 * (xw[a] - xty[a])) / m;
    }
    expect(loss).toBeLessThan(1e-7);
    expect(steps).toBeLessThan(4000);
    w.forEach((v, i) => expect(Math.abs(v - HORIZONTAL_EDGE_KERNEL[i])).toBeLessThan(1e-2));
    expect(correlate3x3(x, n, Float32Array.from(w))).toHaveLength(m);
  });
});
