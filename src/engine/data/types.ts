/**
 * One interface for every dataset: built-in synthetic sets, IDX, CIFAR-10 binary batches and
 * image folders all become a `Dataset` of `SampleSource`s that read contiguous ranges of samples
 * on demand. Nothing here holds a whole dataset: the pipeline asks for ranges and lets go.
 */

/** Samples `[start, start + count)` of a source: inputs flat NCHW, targets flat. */
export interface SampleRange {
  /** `count × size(inputShape)` values, raw scale (pixels in [0, 1]). */
  x: Float32Array;
  /** Classifiers: one class index per sample; regression: `count × size(targetShape)` values. */
  y: Float32Array;
}

export interface SampleSource {
  readonly length: number;
  read(start: number, count: number): Promise<SampleRange>;
}

export interface Dataset {
  /** What the user would call it: "Shapes", "MNIST (/data/mnist)", … */
  readonly name: string;
  /** Per-sample input shape: [C, H, W] or [F]. */
  readonly inputShape: number[];
  /** Class names for classifiers, null for regression data. */
  readonly classes: string[] | null;
  /** Per-sample target shape for regression data; [] for classifiers. */
  readonly targetShape: number[];
  readonly train: SampleSource;
  /** The data's own test split, when it has one; validation uses it instead of a held-out part. */
  readonly test: SampleSource | null;
  /** What 1.0 stands for as stored (255 for byte images, 1 for synthetic data): `normalize: 'none'` multiplies by it. */
  readonly rawScale?: number;
  /** Release open files. */
  close?(): Promise<void>;
}

/** Anything wrong with data: names the file (or dataset) and the problem, with the numbers. */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file: string | null = null,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'DatasetError';
  }
}

/** Per-sample target length: 1 (class index) for classifiers. */
export function targetSize(d: Pick<Dataset, 'classes' | 'targetShape'>): number {
  return d.classes ? 1 : d.targetShape.reduce((a, b) => a * b, 1);
}

export function inputSize(d: Pick<Dataset, 'inputShape'>): number {
  return d.inputShape.reduce((a, b) => a * b, 1);
}

/** Check a read request against a source's length (every source uses it). */
export function checkRange(what: string, length: number, start: number, count: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > length) {
    throw new DatasetError(`read of samples [${start}, ${start + count}) is outside the ${length} samples`, what);
  }
}

/** A source over arrays already in memory (synthetic sets, tests). */
export function memorySource(x: Float32Array, y: Float32Array, inSize: number, tSize: number): SampleSource {
  const length = x.length / inSize;
  if (!Number.isInteger(length) || y.length !== length * tSize) {
    throw new DatasetError(`in-memory data: ${x.length} input values and ${y.length} targets do not make whole samples of ${inSize} and ${tSize}`);
  }
  return {
    length,
    async read(start, count) {
      checkRange('in-memory data', length, start, count);
      return { x: x.slice(start * inSize, (start + count) * inSize), y: y.slice(start * tSize, (start + count) * tSize) };
    },
  };
}

/** Several sources one after another (CIFAR-10's five training batches). */
export function concatSources(parts: SampleSource[], inSize: number, tSize: number): SampleSource {
  const starts: number[] = [];
  let total = 0;
  for (const p of parts) {
    starts.push(total);
    total += p.length;
  }
  return {
    length: total,
    async read(start, count) {
      checkRange('concatenated data', total, start, count);
      const x = new Float32Array(count * inSize);
      const y = new Float32Array(count * tSize);
      let done = 0;
      for (let i = 0; i < parts.length && done < count; i++) {
        const lo = starts[i];
        const hi = lo + parts[i].length;
        const from = start + done;
        if (from >= hi) continue;
        const n = Math.min(hi, start + count) - from;
        const r = await parts[i].read(from - lo, n);
        x.set(r.x, done * inSize);
        y.set(r.y, done * tSize);
        done += n;
      }
      return { x, y };
    },
  };
}
