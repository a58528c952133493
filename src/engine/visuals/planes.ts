/**
 * Single-channel images ("planes") and the three operations of the seed's fig. 17-7 —
 * convolution, ReLU, max pooling — in plain TypeScript, for the kernel playground. The page
 * runs them itself: its Content Security Policy forbids the `new Function` that gpu.js's
 * kernels need, and a 3×3 filter over a small picture takes well under a millisecond. A unit
 * test checks them against the engine's own Conv2D → ReLU → MaxPool2D inference pass.
 */

export interface Plane {
  width: number;
  height: number;
  /** Row-major, `height × width` values. */
  data: Float32Array;
}

export function plane(width: number, height: number, data?: Float32Array): Plane {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`a plane needs a positive whole width and height, got ${width}×${height}`);
  }
  const d = data ?? new Float32Array(width * height);
  if (d.length !== width * height) throw new Error(`a ${width}×${height} plane holds ${width * height} values, got ${d.length}`);
  return { width, height, data: d };
}

/**
 * Grey levels of RGBA pixels as a person sees them (ITU-R BT.601 luma), rounded to whole 8-bit
 * steps and scaled to [0, 1]: the playground shows this grey image, so what is drawn is exactly
 * what is filtered.
 */
export function greyFromRgba(rgba: ArrayLike<number>, width: number, height: number): Plane {
  if (rgba.length !== width * height * 4) throw new Error(`${width}×${height} RGBA pixels are ${width * height * 4} bytes, got ${rgba.length}`);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const luma = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
    out[i] = Math.round(luma) / 255;
  }
  return plane(width, height, out);
}

/**
 * Valid 2-D cross-correlation (what Conv2D computes, no padding, stride 1): a kh×kw kernel
 * leaves an (h − kh + 1) × (w − kw + 1) result.
 */
export function correlate(img: Plane, kernel: ArrayLike<number>, kh: number, kw: number): Plane {
  if (kernel.length !== kh * kw) throw new Error(`a ${kh}×${kw} kernel has ${kh * kw} values, got ${kernel.length}`);
  const oh = img.height - kh + 1;
  const ow = img.width - kw + 1;
  if (oh < 1 || ow < 1) throw new Error(`a ${kh}×${kw} kernel does not fit in a ${img.width}×${img.height} image`);
  const out = new Float32Array(oh * ow);
  const src = img.data;
  const w = img.width;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let i = 0; i < kh; i++) {
        const row = (y + i) * w + x;
        for (let j = 0; j < kw; j++) acc += src[row + j] * kernel[i * kw + j];
      }
      out[y * ow + x] = acc;
    }
  }
  return plane(ow, oh, out);
}

export function relu(p: Plane): Plane {
  return plane(p.width, p.height, p.data.map((v) => (v > 0 ? v : 0)));
}

/** Max pooling with a size×size window and the given stride; windows that would overhang are dropped (floor). */
export function maxPool(p: Plane, size = 2, stride = size): Plane {
  const oh = Math.floor((p.height - size) / stride) + 1;
  const ow = Math.floor((p.width - size) / stride) + 1;
  if (oh < 1 || ow < 1) throw new Error(`a ${size}×${size} pooling window does not fit in a ${p.width}×${p.height} image`);
  const out = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let m = -Infinity;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const v = p.data[(y * stride + i) * p.width + x * stride + j];
          if (v > m) m = v;
        }
      }
      out[y * ow + x] = m;
    }
  }
  return plane(ow, oh, out);
}

/** Smallest and largest value; NaN entries are skipped (both stay NaN when all are). */
export function rangeOf(data: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: NaN, max: NaN };
}

/**
 * The planes of a per-sample tensor: [C, H, W] gives C planes of H×W; [F] (a Dense output)
 * gives one 1×F strip.
 */
export function planesOf(shape: readonly number[], data: Float32Array): Plane[] {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`a ${shape.join('×')} tensor holds ${count} values, got ${data.length}`);
  if (shape.length === 3) {
    const [c, h, w] = shape;
    return Array.from({ length: c }, (_, i) => plane(w, h, data.subarray(i * h * w, (i + 1) * h * w)));
  }
  if (shape.length === 1) return [plane(shape[0], 1, data)];
  if (shape.length === 2) return [plane(shape[1], shape[0], data)];
  throw new Error(`cannot draw a ${shape.length}-dimensional tensor (${shape.join('×')}) as images`);
}

/** A conv weight [F, C, KH, KW] as F rows of C kernels (output channel, then input channel). */
export function kernelsOf(shape: readonly number[], data: Float32Array): Plane[][] {
  if (shape.length !== 4) throw new Error(`conv weights are F×C×KH×KW, got ${shape.join('×')}`);
  const [f, c, kh, kw] = shape;
  if (data.length !== f * c * kh * kw) throw new Error(`a ${shape.join('×')} weight holds ${f * c * kh * kw} values, got ${data.length}`);
  return Array.from({ length: f }, (_, o) =>
    Array.from({ length: c }, (_, i) => {
      const at = (o * c + i) * kh * kw;
      return plane(kw, kh, data.subarray(at, at + kh * kw));
    }),
  );
}
