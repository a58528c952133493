/**
 * From a Dataset to batches: train/validation split, per-channel normalisation, a shuffled order
 * every epoch, augmentation — all seeded — read in chunks so memory stays bounded whatever the
 * dataset's size.
 *
 * The epoch order is a *block shuffle*: the training samples are cut into chunks of consecutive
 * samples, the chunk order is shuffled, and every window of a few chunks is shuffled within
 * itself. When the whole split fits in one window (the usual case) that is a plain full
 * shuffle; when it does not, at most two windows of chunks are in memory at once. The order
 * depends only on (seed, epoch), so a run resumed mid-epoch sees exactly the same batches.
 */
import { Rng } from '../util/rng';
import { augmentSample, type AugmentOptions } from './augment';
import { deriveSeed } from './seed';
import { channelsOf, normalizeInPlace, preprocessingFor, type Normalization, type Preprocessing } from './preprocessing';
import { DatasetError, inputSize, targetSize, type Dataset, type SampleRange, type SampleSource } from './types';

export type { Normalization } from './preprocessing';

export interface PipelineOptions {
  batch: number;
  seed: number;
  /** Held-out fraction when the data has no test split (default 0.1). */
  valFraction?: number;
  /**
   * `unit` (default): values as the source gives them, pixels in [0, 1]; `standardize`: per
   * channel to zero mean and unit variance over the training split; `none`: as stored (bytes
   * 0–255, the dataset's `rawScale`).
   */
  normalize?: 'unit' | 'standardize' | 'none';
  /** Shuffle every epoch (default true); false keeps the stored order. */
  shuffle?: boolean;
  /** Known statistics (from a checkpoint) instead of a pass over the data. */
  normalization?: Normalization;
  augment?: AugmentOptions;
  /** Samples per chunk read at once (default: what fits 1/16 of the memory budget, 64 to 4096). */
  chunkSamples?: number;
  /** Chunks shuffled together (default 8). */
  chunksPerWindow?: number;
  /** Bytes of samples held at once, at most (default 256 MiB): sets the default chunk size. */
  memoryBudget?: number;
}

export interface Batch {
  x: Float32Array;
  targets: Float32Array;
  /** Real samples in the batch; the rest (validation's last batch) is zero padding. */
  count: number;
}

/** Sorted storage indices → the fewest contiguous reads that waste little. */
async function readIndices(source: SampleSource, idx: Int32Array, inSize: number, tSize: number): Promise<SampleRange> {
  const x = new Float32Array(idx.length * inSize);
  const y = new Float32Array(idx.length * tSize);
  let i = 0;
  while (i < idx.length) {
    // extend the run while gaps are small, so held-out samples cost little extra reading
    let j = i + 1;
    while (j < idx.length && idx[j] - idx[j - 1] <= 8 && idx[j] - idx[i] < 4 * (j - i + 1) + 64) j++;
    const lo = idx[i];
    const r = await source.read(lo, idx[j - 1] - lo + 1);
    for (let k = i; k < j; k++) {
      const at = idx[k] - lo;
      x.set(r.x.subarray(at * inSize, (at + 1) * inSize), k * inSize);
      y.set(r.y.subarray(at * tSize, (at + 1) * tSize), k * tSize);
    }
    i = j;
  }
  return { x, y };
}

export class DataPipeline {
  readonly inputShape: number[];
  readonly classes: string[] | null;
  readonly targetShape: number[];
  readonly inSize: number;
  readonly tSize: number;
  readonly trainCount: number;
  readonly valCount: number;
  readonly stepsPerEpoch: number;
  /** Most chunks held at once so far (bounded-memory check). */
  peakChunks = 0;
  private readonly chunk: number;
  private readonly window: number;
  private readonly cache = new Map<number, SampleRange>();

  private constructor(
    readonly dataset: Dataset,
    private readonly o: PipelineOptions,
    private readonly trainSource: SampleSource,
    private readonly trainIdx: Int32Array,
    private readonly valSource: SampleSource | null,
    private readonly valIdx: Int32Array,
    readonly normalization: Normalization | null,
  ) {
    this.inputShape = dataset.inputShape;
    this.classes = dataset.classes;
    this.targetShape = dataset.targetShape;
    this.inSize = inputSize(dataset);
    this.tSize = targetSize(dataset);
    this.trainCount = trainIdx.length;
    this.valCount = valIdx.length;
    this.stepsPerEpoch = Math.floor(trainIdx.length / o.batch);
    this.window = o.chunksPerWindow ?? 8;
    // two windows of chunks are held at most: each chunk gets 1/(2·window) of the budget
    const bytesPerSample = 4 * (this.inSize + this.tSize);
    const budget = o.memoryBudget ?? 256 * 2 ** 20;
    this.chunk = o.chunkSamples ?? Math.max(64, Math.min(4096, Math.floor(budget / (2 * this.window * bytesPerSample))));
  }

  static async create(dataset: Dataset, o: PipelineOptions): Promise<DataPipeline> {
    if (!Number.isInteger(o.batch) || o.batch < 1) throw new DatasetError(`batch size must be a whole number ≥ 1, got ${o.batch}`);
    const frac = o.valFraction ?? 0.1;
    if (!(frac >= 0 && frac < 1)) throw new DatasetError(`validation fraction must be in [0, 1), got ${frac}`);
    if (o.augment && (o.augment.cropPadding || o.augment.flip)) {
      if (!dataset.classes) throw new DatasetError(`${dataset.name}: augmentation would move the input away from its target image; it is only for classifiers`);
      if (dataset.inputShape.length !== 3) throw new DatasetError(`${dataset.name}: crop and flip need image inputs C×H×W, not [${dataset.inputShape.join(', ')}]`);
    }
    const n = dataset.train.length;
    let trainIdx: Int32Array;
    let valIdx: Int32Array;
    let valSource: SampleSource | null;
    if (dataset.test) {
      trainIdx = Int32Array.from({ length: n }, (_, i) => i);
      valIdx = Int32Array.from({ length: dataset.test.length }, (_, i) => i);
      valSource = dataset.test;
    } else {
      // an exact, seeded held-out set: the first k of a seeded permutation
      const k = frac > 0 && n >= 2 ? Math.max(1, Math.round(n * frac)) : 0;
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      new Rng(deriveSeed(o.seed, 0x5a11d)).shuffle(perm);
      valIdx = perm.slice(0, k).sort();
      trainIdx = perm.slice(k).sort();
      valSource = k > 0 ? dataset.train : null;
    }
    if (trainIdx.length < o.batch) {
      throw new DatasetError(`${dataset.name}: the training split has ${trainIdx.length} samples, fewer than one batch of ${o.batch}`);
    }
    const p = new DataPipeline(dataset, o, dataset.train, trainIdx, valSource, valIdx, null);
    const mode = o.normalize ?? 'unit';
    const { channels } = channelsOf(dataset.inputShape);
    const scale = dataset.rawScale ?? 1;
    let norm: Normalization | null = null;
    if (mode === 'standardize') norm = o.normalization ?? (await p.computeNormalization());
    // "as stored" is the same affine map with mean 0 and std 1/scale
    else if (mode === 'none' && scale !== 1) norm = { mean: new Array(channels).fill(0), std: new Array(channels).fill(1 / scale) };
    if (norm && norm.mean.length !== channels) {
      throw new DatasetError(`${dataset.name}: normalisation has ${norm.mean.length} channels, the data has ${channels}`);
    }
    return new DataPipeline(dataset, o, dataset.train, trainIdx, valSource, valIdx, norm);
  }

  /** What this pipeline does to the data's values, as the record saved with the weights. */
  get preprocessing(): Preprocessing {
    return preprocessingFor(this.dataset, this.o.normalize ?? 'unit', this.normalization);
  }

  /** Per-channel mean and standard deviation over the training split (one chunked pass). */
  private async computeNormalization(): Promise<Normalization> {
    const { channels, plane } = channelsOf(this.inputShape);
    const sum = new Float64Array(channels);
    const sq = new Float64Array(channels);
    for (let at = 0; at < this.trainIdx.length; at += this.chunk) {
      const part = this.trainIdx.subarray(at, Math.min(this.trainIdx.length, at + this.chunk));
      const r = await readIndices(this.trainSource, part, this.inSize, this.tSize);
      for (let s = 0; s < part.length; s++) {
        for (let c = 0; c < channels; c++) {
          const base = s * this.inSize + c * plane;
          let a = 0;
          let b = 0;
          for (let i = 0; i < plane; i++) {
            const v = r.x[base + i];
            a += v;
            b += v * v;
          }
          sum[c] += a;
          sq[c] += b;
        }
      }
    }
    const count = this.trainIdx.length * plane;
    const mean = Array.from(sum, (s) => s / count);
    const std = Array.from(sq, (s, c) => {
      const sd = Math.sqrt(Math.max(0, s / count - mean[c] * mean[c]));
      return sd > 1e-6 ? sd : 1; // a constant channel stays as it is
    });
    return { mean, std };
  }

  /** The epoch's sample order: positions into the training index list. */
  epochOrder(epoch: number): Int32Array {
    if (this.o.shuffle === false) return Int32Array.from({ length: this.trainIdx.length }, (_, i) => i);
    const rng = new Rng(deriveSeed(this.o.seed, 0xe90c, epoch));
    const n = this.trainIdx.length;
    const blocks = Int32Array.from({ length: Math.ceil(n / this.chunk) }, (_, i) => i);
    rng.shuffle(blocks);
    const order = new Int32Array(n);
    let at = 0;
    for (let g = 0; g < blocks.length; g += this.window) {
      const start = at;
      for (const b of blocks.subarray(g, g + this.window)) {
        for (let p = b * this.chunk; p < Math.min(n, (b + 1) * this.chunk); p++) order[at++] = p;
      }
      rng.shuffle(order.subarray(start, at));
    }
    return order;
  }

  private async block(b: number): Promise<SampleRange> {
    let r = this.cache.get(b);
    if (r) {
      this.cache.delete(b); // re-insert: most recently used last
      this.cache.set(b, r);
      return r;
    }
    const idx = this.trainIdx.subarray(b * this.chunk, Math.min(this.trainIdx.length, (b + 1) * this.chunk));
    r = await readIndices(this.trainSource, idx, this.inSize, this.tSize);
    this.cache.set(b, r);
    // a batch can straddle two windows: keep two windows' worth of chunks
    while (this.cache.size > 2 * this.window) this.cache.delete(this.cache.keys().next().value!);
    this.peakChunks = Math.max(this.peakChunks, this.cache.size);
    return r;
  }

  /** Training batches of an epoch from `fromStep` on (a resumed run skips without reading). */
  async *trainBatches(epoch: number, fromStep = 0): AsyncGenerator<Batch & { step: number }> {
    const order = this.epochOrder(epoch);
    const { batch } = this.o;
    const scratch = new Float32Array(this.inSize);
    for (let step = fromStep; step < this.stepsPerEpoch; step++) {
      const x = new Float32Array(batch * this.inSize);
      const targets = new Float32Array(batch * this.tSize);
      for (let s = 0; s < batch; s++) {
        const pos = order[step * batch + s];
        const r = await this.block(Math.floor(pos / this.chunk));
        const at = pos % this.chunk;
        x.set(r.x.subarray(at * this.inSize, (at + 1) * this.inSize), s * this.inSize);
        targets.set(r.y.subarray(at * this.tSize, (at + 1) * this.tSize), s * this.tSize);
      }
      const aug = this.o.augment;
      if (aug && (aug.cropPadding || aug.flip)) {
        const rng = new Rng(deriveSeed(this.o.seed, 0xa06, epoch, step));
        for (let s = 0; s < batch; s++) augmentSample(x, s * this.inSize, this.inputShape, aug, rng, scratch);
      }
      this.normalize(x, batch);
      yield { x, targets, count: batch, step };
    }
  }

  /** Validation batches in order; the last one is padded with zeros up to the batch size. */
  async *valBatches(batch = this.o.batch): AsyncGenerator<Batch> {
    if (!this.valSource) return;
    for (let at = 0; at < this.valIdx.length; at += batch) {
      const idx = this.valIdx.subarray(at, Math.min(this.valIdx.length, at + batch));
      const r = await readIndices(this.valSource, idx, this.inSize, this.tSize);
      const x = new Float32Array(batch * this.inSize);
      const targets = new Float32Array(batch * this.tSize);
      x.set(r.x);
      targets.set(r.y);
      this.normalize(x, idx.length);
      yield { x, targets, count: idx.length };
    }
  }

  /** One validation sample (or training sample when there is no validation split), normalised. */
  async sample(split: 'train' | 'validation', i: number): Promise<SampleRange> {
    const src = split === 'validation' ? this.valSource : this.trainSource;
    const idx = split === 'validation' ? this.valIdx : this.trainIdx;
    if (!src || !Number.isInteger(i) || i < 0 || i >= idx.length) {
      throw new DatasetError(`${this.dataset.name}: no ${split} sample ${i} (the split has ${src ? idx.length : 0})`);
    }
    const r = await readIndices(src, idx.subarray(i, i + 1), this.inSize, this.tSize);
    this.normalize(r.x, 1);
    return r;
  }

  private normalize(x: Float32Array, count: number): void {
    // the same map inference applies from the saved record (preprocessing.ts)
    if (this.normalization) normalizeInPlace(this.normalization, this.inputShape, x, count);
  }
}
