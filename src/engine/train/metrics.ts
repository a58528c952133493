/**
 * Validation metrics from inference outputs, accumulated batch by batch: cross-entropy,
 * accuracy and the confusion matrix for classifiers (from the Softmax probabilities), mean
 * squared error for regression — the same losses the training step reports.
 */

/** The smallest positive float32: −log of it (≈ 103.3) bounds the loss of a certain mistake. */
const TINY = 1.4e-45;

export class MetricsAccumulator {
  private lossSum = 0;
  private correct = 0;
  private count = 0;
  private elements = 0;
  readonly confusion: number[][] | null;
  /** Per-sample true and predicted classes, when asked to keep them (evaluation). */
  private readonly kept: { truth: number[]; predicted: number[] } | null;

  constructor(
    private readonly classes: number | null,
    /** Output values per sample (classes for a classifier). */
    private readonly outSize: number,
    keepSamples = false,
  ) {
    this.kept = keepSamples && classes !== null ? { truth: [], predicted: [] } : null;
    this.confusion = classes ? Array.from({ length: classes }, () => new Array(classes).fill(0)) : null;
  }

  /** Add the first `count` samples of a batch of outputs and targets. */
  add(output: Float32Array, targets: Float32Array, count: number): void {
    const k = this.outSize;
    if (this.classes !== null) {
      for (let s = 0; s < count; s++) {
        const t = Math.round(targets[s]);
        let best = 0;
        for (let c = 1; c < k; c++) if (output[s * k + c] > output[s * k + best]) best = c;
        this.lossSum += -Math.log(Math.max(output[s * k + t], TINY));
        if (best === t) this.correct++;
        if (t < this.classes && best < this.classes) this.confusion![t][best]++;
        this.kept?.truth.push(t);
        this.kept?.predicted.push(best);
      }
    } else {
      for (let i = 0; i < count * k; i++) {
        const d = output[i] - targets[i];
        this.lossSum += d * d;
      }
      this.elements += count * k;
    }
    this.count += count;
  }

  /** Every sample's true and predicted class in the order added; null unless kept (classifiers). */
  get perSample(): { truth: Int32Array; predicted: Int32Array } | null {
    return this.kept ? { truth: Int32Array.from(this.kept.truth), predicted: Int32Array.from(this.kept.predicted) } : null;
  }

  get samples(): number {
    return this.count;
  }

  /** Mean loss (per sample for classifiers, per element for regression); null when empty. */
  get loss(): number | null {
    if (this.count === 0) return null;
    return this.classes !== null ? this.lossSum / this.count : this.lossSum / this.elements;
  }

  get accuracy(): number | null {
    return this.classes !== null && this.count > 0 ? this.correct / this.count : null;
  }
}
