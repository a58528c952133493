/**
 * Training-time augmentation on one C×H×W sample: random crop with zero padding (pad by p on
 * every side, take an H×W window at a random offset) and a random horizontal flip. The draws
 * come from the caller's generator, which is seeded per (epoch, step): the same run augments
 * the same way every time.
 */
import type { Rng } from '../util/rng';

export interface AugmentOptions {
  /** Zero padding on each side before a random H×W crop; 0 = no crop. */
  cropPadding?: number;
  /** Mirror left–right with probability ½. */
  flip?: boolean;
}

/** Augment `x[offset … offset + C·H·W)` in place. `scratch` holds at least C·H·W values. */
export function augmentSample(x: Float32Array, offset: number, shape: readonly number[], o: AugmentOptions, rng: Rng, scratch: Float32Array): void {
  const [c, h, w] = shape;
  const pad = o.cropPadding ?? 0;
  const dy = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
  const dx = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
  const flip = o.flip === true && rng.random() < 0.5;
  if (dx === 0 && dy === 0 && !flip) return;
  const plane = h * w;
  scratch.set(x.subarray(offset, offset + c * plane));
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      for (let xx = 0; xx < w; xx++) {
        const sx = (flip ? w - 1 - xx : xx) + dx;
        x[offset + ch * plane + y * w + xx] = sy >= 0 && sy < h && sx >= 0 && sx < w ? scratch[ch * plane + sy * w + sx] : 0;
      }
    }
  }
}
