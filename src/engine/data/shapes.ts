/**
 * Shapes — the seed's teaching example as a dataset that needs no download: coloured geometric
 * shapes of random size, position, tilt and colour on a noisy background. Every sample is
 * drawn from its own seed (run seed, split, index), so any sample can be made alone, in any
 * order, any number of them, and always the same.
 */
import { Rng } from '../util/rng';
import { deriveSeed } from './seed';
import { DatasetError, checkRange, type Dataset, type SampleSource } from './types';

/**
 * Every shape, in class order. A set of n classes is the first n: the default six are the
 * original set (so its samples, drawn by index, stay what they were); the last four make ten,
 * the class count of the seed's MNIST and Fashion-MNIST networks.
 */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'cross', 'ring', 'star', 'diamond', 'ellipse', 'arrow', 'heart'] as const;
export type ShapeName = (typeof SHAPE_CLASSES)[number];
/** Classes when none are asked for (the original set). */
export const DEFAULT_SHAPE_CLASSES = 6;

export interface ShapesOptions {
  /** Image height and width (default 28). */
  size?: number;
  /** 1 (grey) or 3 (RGB), default 1. */
  channels?: number;
  /** Training samples (default 6000). */
  samples?: number;
  /** Test samples, drawn from their own seeds (default 1000). */
  testSamples?: number;
  seed?: number;
  /** How many shapes (the first n of SHAPE_CLASSES, 2 to 10; default 6), or which ones, in class order. */
  classes?: number | readonly ShapeName[];
}

// Star outline: 10 vertices alternating outer radius 1 and inner radius 0.45, point up.
const STAR: [number, number][] = Array.from({ length: 10 }, (_, k) => {
  const r = k % 2 === 0 ? 1 : 0.45;
  const a = -Math.PI / 2 + (k * Math.PI) / 5;
  return [r * Math.cos(a), r * Math.sin(a)];
});

// Arrow pointing right: a shaft from the left edge and a head whose tip touches radius 1.
const ARROW: [number, number][] = [
  [-0.95, -0.22],
  [0.12, -0.22],
  [0.12, -0.62],
  [0.95, 0],
  [0.12, 0.62],
  [0.12, 0.22],
  [-0.95, 0.22],
];

/**
 * Heart: the implicit curve (x² + y² − 1)³ ≤ x²y³ (y up), which spans x ±1.14 and y −1 to 1.24;
 * shifted down by its middle and scaled so that it lies within radius 1.
 */
const HEART_SCALE = 1.35;
const HEART_SHIFT = 0.118;

function inPolygon(u: number, v: number, poly: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether the point (u, v), in the shape's own frame scaled to radius 1, is inside it. */
function inside(shape: ShapeName, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'ring': {
      const d = u * u + v * v;
      return d <= 1 && d >= 0.55 * 0.55;
    }
    case 'square':
      return Math.abs(u) <= 0.75 && Math.abs(v) <= 0.75;
    case 'triangle':
      // equilateral, circumradius 1, inradius 0.5: inside all three edge half-planes
      return v <= 0.5 && 0.866 * u - 0.5 * v <= 0.5 && -0.866 * u - 0.5 * v <= 0.5;
    case 'cross':
      return (Math.abs(u) <= 0.28 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.28 && Math.abs(u) <= 1);
    case 'star':
      return inPolygon(u, v, STAR);
    case 'diamond':
      // a tall rhombus: not a tilted square (tilt stays within ±10°), narrower than it is high
      return Math.abs(u) / 0.62 + Math.abs(v) <= 1;
    case 'ellipse':
      // a wide oval, half as high as it is wide: not a circle at any size
      return u * u + (v * v) / (0.5 * 0.5) <= 1;
    case 'arrow':
      return inPolygon(u, v, ARROW);
    case 'heart': {
      const x = u * HEART_SCALE;
      const y = -v * HEART_SCALE + HEART_SHIFT; // image v points down, the curve's y up
      const q = x * x + y * y - 1;
      return q * q * q - x * x * y * y * y <= 0;
    }
  }
}

function luminance(c: number[]): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

/**
 * Shapes lean by at most ±10°. Free rotation turns squares into diamonds and triangles every
 * way, which the seed's small MNIST CNN cannot sort out in 3 epochs of 6,000 samples (PyTorch:
 * 89% with full rotation, 97.5% with ±10°, 98% upright).
 */
const MAX_TILT = (10 * Math.PI) / 180;
const SUB = 3; // 3×3 subsamples per pixel: anti-aliased edges

/** Draw one sample into `out` (C×S×S, values in [0, 1]). */
export function drawShape(shape: ShapeName, rng: Rng, size: number, channels: number, out: Float32Array, offset = 0): void {
  const r = size * (0.22 + 0.2 * rng.random());
  const margin = r + 1;
  const cx = margin + rng.random() * (size - 2 * margin);
  const cy = margin + rng.random() * (size - 2 * margin);
  const angle = (2 * rng.random() - 1) * MAX_TILT;
  const bg = [rng.random(), rng.random(), rng.random()];
  let fg = [rng.random(), rng.random(), rng.random()];
  // enough contrast to see the shape in grey as well as in colour
  for (let tries = 0; Math.abs(luminance(fg) - luminance(bg)) < 0.3 && tries < 100; tries++) fg = [rng.random(), rng.random(), rng.random()];
  if (Math.abs(luminance(fg) - luminance(bg)) < 0.3) fg = luminance(bg) > 0.5 ? [0, 0, 0] : [1, 1, 1];
  const noise = 0.03 + 0.05 * rng.random();
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const plane = size * size;
  const grey = channels === 1;
  const fgL = luminance(fg);
  const bgL = luminance(bg);
  const reach = (r + 1.5) * (r + 1.5); // every shape lies within radius r of its centre
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let a = 0;
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      if (dx * dx + dy * dy <= reach) {
        let hits = 0;
        for (let sy = 0; sy < SUB; sy++) {
          for (let sx = 0; sx < SUB; sx++) {
            const px = x + (sx + 0.5) / SUB - cx;
            const py = y + (sy + 0.5) / SUB - cy;
            if (inside(shape, (cos * px + sin * py) / r, (-sin * px + cos * py) / r)) hits++;
          }
        }
        a = hits / (SUB * SUB);
      }
      const at = offset + y * size + x;
      if (grey) {
        // luminance is linear: blend the two luminances
        out[at] = clamp01(a * fgL + (1 - a) * bgL + noise * rng.normal());
      } else {
        for (let c = 0; c < 3; c++) out[at + c * plane] = clamp01(a * fg[c] + (1 - a) * bg[c] + noise * rng.normal());
      }
    }
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function shapesSource(split: number, count: number, o: Resolved): SampleSource {
  const inSize = o.channels * o.size * o.size;
  return {
    length: count,
    async read(start, n) {
      checkRange(`Shapes ${split === 0 ? 'training' : 'test'} split`, count, start, n);
      const x = new Float32Array(n * inSize);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const index = start + i;
        const label = index % o.classes.length; // balanced classes
        drawShape(o.classes[label], new Rng(deriveSeed(o.seed, split, index)), o.size, o.channels, x, i * inSize);
        y[i] = label;
      }
      return { x, y };
    },
  };
}

/** Options with their defaults, `classes` as the shapes themselves. */
type Resolved = Omit<Required<ShapesOptions>, 'classes'> & { classes: readonly ShapeName[] };

/** The shapes of a `classes` option: a count takes the first n, a list is checked as given. */
function shapeClasses(classes: number | readonly ShapeName[] | undefined): readonly ShapeName[] {
  const c = classes ?? DEFAULT_SHAPE_CLASSES;
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < 2 || c > SHAPE_CLASSES.length) throw new DatasetError(`Shapes: classes must be a whole number from 2 to ${SHAPE_CLASSES.length}, got ${c}`);
    return SHAPE_CLASSES.slice(0, c);
  }
  if (c.length < 2 || c.some((n) => !SHAPE_CLASSES.includes(n)) || new Set(c).size !== c.length) {
    throw new DatasetError(`Shapes: classes must be two or more different ones of ${SHAPE_CLASSES.join(', ')}, got ${c.join(', ')}`);
  }
  return c;
}

export function shapesDataset(options: ShapesOptions = {}): Dataset {
  const o: Resolved = {
    size: options.size ?? 28,
    channels: options.channels ?? 1,
    samples: options.samples ?? 6000,
    testSamples: options.testSamples ?? 1000,
    seed: options.seed ?? 1,
    classes: shapeClasses(options.classes),
  };
  if (!Number.isInteger(o.size) || o.size < 12 || o.size > 256) throw new DatasetError(`Shapes: size must be a whole number from 12 to 256, got ${o.size}`);
  if (o.channels !== 1 && o.channels !== 3) throw new DatasetError(`Shapes: channels must be 1 (grey) or 3 (RGB), got ${o.channels}`);
  if (!Number.isInteger(o.samples) || o.samples < 1) throw new DatasetError(`Shapes: samples must be a whole number ≥ 1, got ${o.samples}`);
  if (!Number.isInteger(o.testSamples) || o.testSamples < 0) throw new DatasetError(`Shapes: testSamples must be a whole number ≥ 0, got ${o.testSamples}`);
  return {
    name: `Shapes (${o.channels === 1 ? 'grey' : 'RGB'} ${o.size}×${o.size}, ${o.classes.length} classes)`,
    inputShape: [o.channels, o.size, o.size],
    classes: [...o.classes],
    targetShape: [],
    train: shapesSource(0, o.samples, o),
    test: o.testSamples > 0 ? shapesSource(1, o.testSamples, o) : null,
  };
}
