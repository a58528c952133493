/**
 * Curves thinned for drawing, kept up to date as points are appended: a run of a hundred
 * thousand steps (or a kernel fit's thousands of one-step epochs) draws between
 * DISPLAY_POINTS and twice that many points per series, and each new point costs O(1)
 * amortised — it joins the last bucket, or opens one; when the buckets reach twice the bound,
 * neighbours merge pairwise and each bucket covers twice as many points. A bucket draws at
 * its last point's x with the mean of its values (noise averages out instead of aliasing);
 * nulls (a regression's accuracy, an epoch without validation) stay out of the means, and a
 * bucket with no value stays null.
 *
 * `displayCurves(curves)` keeps one thinned copy per curves object: the live run's curves are
 * appended in place (only the new points are read), a stored run's are thinned once.
 */
import type { Curves, EpochPoint } from '../platform/training';

/** Fewest points a long series is thinned to (at most twice as many are drawn). */
export const DISPLAY_POINTS = 1000;

/** Buckets over a series of rows: `xs` take the bucket's last row, `ys` the mean of its non-null values. */
class Buckets {
  /** Rows per full bucket. */
  private width = 1;
  private n: number[] = [];
  private xs: number[][] = [];
  private sums: number[][] = [];
  private counts: number[][] = [];

  constructor(
    private readonly nx: number,
    private readonly ny: number,
    private readonly max: number,
  ) {}

  get length(): number {
    return this.n.length;
  }

  /** Add a row; true when the buckets were merged (every output row changed). */
  add(x: readonly number[], y: readonly (number | null)[]): boolean {
    let merged = false;
    let b = this.n.length - 1;
    if (b < 0 || this.n[b] >= this.width) {
      if (this.n.length >= 2 * this.max) {
        this.halve();
        merged = true;
      }
      this.n.push(0);
      this.xs.push(new Array<number>(this.nx).fill(0));
      this.sums.push(new Array<number>(this.ny).fill(0));
      this.counts.push(new Array<number>(this.ny).fill(0));
      b = this.n.length - 1;
    }
    this.n[b]++;
    for (let i = 0; i < this.nx; i++) this.xs[b][i] = x[i];
    for (let i = 0; i < this.ny; i++) {
      const v = y[i];
      if (v !== null && Number.isFinite(v)) {
        this.sums[b][i] += v;
        this.counts[b][i]++;
      }
    }
    return merged;
  }

  x(b: number, i: number): number {
    return this.xs[b][i];
  }

  mean(b: number, i: number): number | null {
    return this.counts[b][i] > 0 ? this.sums[b][i] / this.counts[b][i] : null;
  }

  /** Merge neighbours pairwise: half as many buckets, each twice as wide (all full). */
  private halve(): void {
    const half = this.n.length >> 1;
    for (let k = 0; k < half; k++) {
      const a = 2 * k;
      const c = a + 1;
      this.n[k] = this.n[a] + this.n[c];
      this.xs[k] = this.xs[c];
      this.sums[k] = this.sums[a].map((s, i) => s + this.sums[c][i]);
      this.counts[k] = this.counts[a].map((s, i) => s + this.counts[c][i]);
    }
    this.n.length = half;
    this.xs.length = half;
    this.sums.length = half;
    this.counts.length = half;
    this.width *= 2;
  }
}

/** One curves object's thinned copy, advanced by the points appended since the last sync. */
export class ThinnedCurves {
  readonly out: Curves = { step: { globalStep: [], at: [], loss: [], accuracy: [] }, epoch: [] };
  private steps: Buckets;
  private epochs: Buckets;
  private stepsSeen = 0;
  private epochsSeen = 0;
  /** The last epoch point read: a different object there means the list was rewritten. */
  private lastEpoch: EpochPoint | null = null;

  constructor(private readonly max = DISPLAY_POINTS) {
    this.steps = new Buckets(2, 2, max);
    this.epochs = new Buckets(3, 4, max);
  }

  sync(c: Curves): Curves {
    const s = c.step;
    const rewritten = s.globalStep.length < this.stepsSeen || c.epoch.length < this.epochsSeen || (this.epochsSeen > 0 && c.epoch[this.epochsSeen - 1] !== this.lastEpoch);
    if (rewritten) this.reset();
    for (let i = this.stepsSeen; i < s.globalStep.length; i++) {
      if (this.steps.add([s.globalStep[i], s.at[i]], [s.loss[i], s.accuracy[i]])) this.rebuild();
      else this.writeStep(this.steps.length - 1);
    }
    this.stepsSeen = s.globalStep.length;
    for (let i = this.epochsSeen; i < c.epoch.length; i++) {
      const p = c.epoch[i];
      // timing is not averaged: a bucket's is its last epoch's
      if (this.epochs.add([p.epoch, p.seconds, p.samplesPerSec], [p.trainLoss, p.trainAccuracy, p.valLoss, p.valAccuracy])) this.rebuild();
      else this.writeEpoch(this.epochs.length - 1);
    }
    this.epochsSeen = c.epoch.length;
    this.lastEpoch = c.epoch.length ? c.epoch[c.epoch.length - 1] : null;
    return this.out;
  }

  private reset(): void {
    this.steps = new Buckets(2, 2, this.max);
    this.epochs = new Buckets(3, 4, this.max);
    this.stepsSeen = 0;
    this.epochsSeen = 0;
    this.lastEpoch = null;
    this.clear();
  }

  private clear(): void {
    const o = this.out.step;
    o.globalStep.length = o.at.length = o.loss.length = o.accuracy.length = 0;
    this.out.epoch.length = 0;
  }

  /** After a merge every output row moved: write them all again (amortised O(1) per point). */
  private rebuild(): void {
    this.clear();
    for (let b = 0; b < this.steps.length; b++) this.writeStep(b);
    for (let b = 0; b < this.epochs.length; b++) this.writeEpoch(b);
  }

  private writeStep(b: number): void {
    const o = this.out.step;
    o.globalStep[b] = this.steps.x(b, 0);
    o.at[b] = this.steps.x(b, 1);
    // every step has a loss, so a step bucket's mean is never null
    o.loss[b] = this.steps.mean(b, 0) ?? NaN;
    o.accuracy[b] = this.steps.mean(b, 1);
  }

  private writeEpoch(b: number): void {
    const e = this.epochs;
    this.out.epoch[b] = {
      epoch: e.x(b, 0),
      trainLoss: e.mean(b, 0) ?? NaN,
      trainAccuracy: e.mean(b, 1),
      valLoss: e.mean(b, 2),
      valAccuracy: e.mean(b, 3),
      seconds: e.x(b, 1),
      samplesPerSec: e.x(b, 2),
    };
  }
}

const cache = new WeakMap<Curves, ThinnedCurves>();

/** The curves as drawn: thinned to at most 2 × DISPLAY_POINTS points per series, updated in place. */
export function displayCurves(c: Curves): Curves {
  let t = cache.get(c);
  if (!t) {
    t = new ThinnedCurves();
    cache.set(c, t);
  }
  return t.sync(c);
}
