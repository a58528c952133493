/**
 * Kernel fit — the seed's experiment 17.3.7: an 80×80 grey image and its horizontal-edge
 * response (valid convolution with [[0,−1,0],[0,2,0],[0,−1,0]] → 78×78). A network of one
 * 3×3 Conv2D (no bias) and a Regression output recovers the kernel from the pair.
 *
 * The image is 500 small overlapping rectangles (2–9 px a side) of varied intensity: edges in
 * both directions, of every contrast, everywhere. That keeps the 9×9 normal matrix of its 3×3
 * patches well conditioned (condition number ≈ 716, against ≈ 5,500 for 60 large rectangles),
 * so plain gradient descent from zero at lr 0.25 (the seed's 0.5 on ½·MSE) reaches MSE < 1e-7
 * in ≈ 3,200 steps, as the seed's 3,460.
 */
import { Rng } from '../util/rng';
import type { Dataset } from './types';
import { memorySource } from './types';

export const KERNEL_FIT_SIZE = 80;
export const KERNEL_FIT_OUT = KERNEL_FIT_SIZE - 2;
/** The horizontal-edge operator the seed fits, row-major 3×3. */
export const HORIZONTAL_EDGE_KERNEL = Float32Array.from([0, -1, 0, 0, 2, 0, 0, -1, 0]);

/** The fixed 80×80 image (values in [0, 1]): the same on every machine. */
export function kernelFitImage(): Float32Array {
  const s = KERNEL_FIT_SIZE;
  const img = new Float32Array(s * s).fill(0.5);
  const rng = new Rng(1737); // 17.3.7
  for (let k = 0; k < 500; k++) {
    const w = 2 + rng.int(8);
    const h = 2 + rng.int(8);
    const x0 = rng.int(s - w + 1);
    const y0 = rng.int(s - h + 1);
    const v = rng.random();
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) img[y * s + x] = v;
  }
  return img;
}

/** Valid 2-D cross-correlation of an n×n image with a 3×3 kernel (→ (n−2)×(n−2)). */
export function correlate3x3(img: Float32Array, n: number, k: Float32Array): Float32Array {
  const m = n - 2;
  const out = new Float32Array(m * m);
  for (let y = 0; y < m; y++) {
    for (let x = 0; x < m; x++) {
      let acc = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) acc += img[(y + i) * n + x + j] * k[i * 3 + j];
      out[y * m + x] = acc;
    }
  }
  return out;
}

export function kernelFitDataset(): Dataset {
  const x = kernelFitImage();
  const y = correlate3x3(x, KERNEL_FIT_SIZE, HORIZONTAL_EDGE_KERNEL);
  const source = memorySource(x, y, KERNEL_FIT_SIZE * KERNEL_FIT_SIZE, KERNEL_FIT_OUT * KERNEL_FIT_OUT);
  return {
    name: 'Kernel fit (17.3.7: 80×80 image → horizontal edges 78×78)',
    inputShape: [1, KERNEL_FIT_SIZE, KERNEL_FIT_SIZE],
    classes: null,
    targetShape: [1, KERNEL_FIT_OUT, KERNEL_FIT_OUT],
    train: source,
    // The task is to fit this one pair: validation measures the fit on the same pair.
    test: source,
  };
}
