/**
 * A heat map laid over the picture it explains: the map resized to the picture (bilinear, as
 * Grad-CAM's authors upsample it), scaled to its own maximum, and blended over the grey image —
 * transparent where the map is 0, warm and opaque where it peaks. Pure, so tests can check it.
 */

/** `src` (h×w) resized to H×W with bilinear interpolation, pixel centres aligned (align_corners = false). */
export function resizeBilinear(src: ArrayLike<number>, h: number, w: number, H: number, W: number): Float32Array {
  const out = new Float32Array(H * W);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / H - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / W - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
      const bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
      out[y * W + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Greys of the picture (its own range), with `heat` (same size, ≥ 0) blended over in red → yellow. */
export function blendHeat(grey: ArrayLike<number>, heat: ArrayLike<number>): Uint8ClampedArray<ArrayBuffer> {
  let gMin = Infinity;
  let gMax = -Infinity;
  let hMax = 0;
  for (let i = 0; i < grey.length; i++) {
    gMin = Math.min(gMin, grey[i]);
    gMax = Math.max(gMax, grey[i]);
    hMax = Math.max(hMax, heat[i]);
  }
  const span = gMax - gMin || 1;
  const px = new Uint8ClampedArray(grey.length * 4);
  for (let i = 0; i < grey.length; i++) {
    const g = ((grey[i] - gMin) / span) * 200;
    const t = hMax > 0 ? heat[i] / hMax : 0;
    const a = 0.75 * t;
    px[4 * i] = g * (1 - a) + 255 * a;
    px[4 * i + 1] = g * (1 - a) + 255 * t * t * a;
    px[4 * i + 2] = g * (1 - a);
    px[4 * i + 3] = 255;
  }
  return px;
}

/** One grey plane for a C×H×W picture: the mean over its channels. */
export function greyOf(data: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length !== 3) return data;
  const [c, h, w] = shape;
  const out = new Float32Array(h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) out[i] += data[k * h * w + i] / c;
  return out;
}
