/**
 * Colour scales for tensors drawn as images. Pure (no DOM): the e2e tests import the same
 * functions to predict the exact pixels on screen.
 *
 * - `grey`: sequential, black (low) → white (high), for images and non-negative maps (ReLU,
 *   pooling), as the seed's figures draw them.
 * - `diverging`: blue (negative) → neutral (0) → red (positive), always symmetric about 0, for
 *   signed values (kernels, convolution results), so 0 is the same colour in every picture.
 * - `blues`: sequential, pale → deep blue, for shares (the confusion matrix).
 */

export type ColorMapName = 'grey' | 'diverging' | 'blues';

export interface Scale {
  map: ColorMapName;
  /** Values at or below `lo` get the first colour, at or above `hi` the last. */
  lo: number;
  hi: number;
}

type Rgb = readonly [number, number, number];

/** ColorBrewer RdBu (9 classes), reversed so that blue is negative; legible on dark and light panels. */
const DIVERGING: readonly Rgb[] = [
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
];

/** ColorBrewer Blues (9 classes). */
const BLUES: readonly Rgb[] = [
  [247, 251, 255],
  [222, 235, 247],
  [198, 219, 239],
  [158, 202, 225],
  [107, 174, 214],
  [66, 146, 198],
  [33, 113, 181],
  [8, 81, 156],
  [8, 48, 107],
];

/** The scale for a set of values: symmetric about 0 for `diverging`, their own range for `grey`. */
export function scaleFor(map: ColorMapName, range: { min: number; max: number }): Scale {
  const min = Number.isFinite(range.min) ? range.min : 0;
  const max = Number.isFinite(range.max) ? range.max : 0;
  if (map === 'diverging') {
    const limit = Math.max(Math.abs(min), Math.abs(max));
    return { map, lo: -limit, hi: limit };
  }
  return { map, lo: min, hi: max };
}

/**
 * The scale a result is drawn with when nothing else decides: diverging when any value is
 * negative (a convolution's signed response), else grey from 0 (an image, a ReLU or pooling
 * output) so that 0 is black and the brightest value white.
 */
export function autoScale(range: { min: number; max: number }): Scale {
  return range.min < 0 ? scaleFor('diverging', range) : scaleFor('grey', { min: 0, max: range.max });
}

/** Where `v` falls on the scale, 0…1; a scale with no width puts everything in its middle (diverging) or at its bottom (grey). */
export function position(scale: Scale, v: number): number {
  const width = scale.hi - scale.lo;
  if (!(width > 0)) return scale.map === 'diverging' ? 0.5 : 0;
  const t = (v - scale.lo) / width;
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}

/** The colour at position t (0…1) of a map. */
export function colorAt(map: ColorMapName, t: number): Rgb {
  if (map === 'grey') {
    const g = Math.round(t * 255);
    return [g, g, g];
  }
  const stops = map === 'blues' ? BLUES : DIVERGING;
  const x = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export function colorOf(scale: Scale, v: number): Rgb {
  return Number.isNaN(v) ? [255, 0, 255] : colorAt(scale.map, position(scale, v));
}

/** RGBA bytes for `values` on `scale`, ready for an ImageData. NaN is magenta: it should never be there. */
export function paint(values: ArrayLike<number>, scale: Scale): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colorOf(scale, values[i]);
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = 255;
  }
  return out;
}

/**
 * RGBA bytes of a colour picture from its three channel planes, all stretched by one range
 * (a normalised input has no fixed 0–255 meaning any more; one range keeps its colours true).
 */
export function paintRgb(r: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>, lo: number, hi: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(r.length * 4);
  const k = hi > lo ? 255 / (hi - lo) : 0;
  for (let i = 0; i < r.length; i++) {
    out[4 * i] = Math.round((r[i] - lo) * k);
    out[4 * i + 1] = Math.round((g[i] - lo) * k);
    out[4 * i + 2] = Math.round((b[i] - lo) * k);
    out[4 * i + 3] = 255;
  }
  return out;
}

/** A number for a scale's label: three significant digits, no trailing zeros, a minus sign that is one. */
export function formatValue(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return v === 0 ? '0' : String(v);
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e4 || a < 1e-3) s = v.toExponential(2).replace(/\.?0+e/, 'e');
  else s = String(Number(v.toPrecision(3)));
  return s.replaceAll('-', '−');
}

/** The labelled values along a colour bar: both ends, and 0 on a diverging scale. */
export function ticks(scale: Scale): { value: number; at: number; label: string }[] {
  const values = scale.map === 'diverging' && scale.hi > 0 ? [scale.lo, 0, scale.hi] : scale.hi > scale.lo ? [scale.lo, scale.hi] : [scale.lo];
  return values.map((value) => ({ value, at: position(scale, value), label: formatValue(value) }));
}

/** CSS gradient of a map, left (low) to right (high), for the colour bar. */
export function cssGradient(map: ColorMapName): string {
  const steps = 9;
  const stops = Array.from({ length: steps }, (_, i) => {
    const [r, g, b] = colorAt(map, i / (steps - 1));
    return `rgb(${r} ${g} ${b}) ${((100 * i) / (steps - 1)).toFixed(1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
