/**
 * Confusion-matrix arithmetic for the evaluation view: rows are true classes, columns
 * predicted ones (`confusion[true][predicted]`, as the worker's evaluation event sends it).
 */

/** Each row divided by its total: the share of a true class given each prediction (recall on the diagonal). An empty row stays all zeros. */
export function normaliseRows(counts: readonly (readonly number[])[]): number[][] {
  return counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

export interface ConfusionSummary {
  total: number;
  correct: number;
  /** correct / total; null with no samples. */
  accuracy: number | null;
  /** Per true class: its row total and the share predicted right (null for an empty row). */
  perClass: { count: number; recall: number | null }[];
}

export function summarise(counts: readonly (readonly number[])[]): ConfusionSummary {
  let total = 0;
  let correct = 0;
  const perClass = counts.map((row, t) => {
    const count = row.reduce((a, b) => a + b, 0);
    total += count;
    correct += row[t] ?? 0;
    return { count, recall: count > 0 ? (row[t] ?? 0) / count : null };
  });
  return { total, correct, accuracy: total > 0 ? correct / total : null, perClass };
}

/** One class's scores, from the confusion matrix (null where the division has no samples). */
export interface ClassScores {
  /** Of the samples predicted as this class, the share that are (column). */
  precision: number | null;
  /** Of the samples of this class, the share predicted right (row). */
  recall: number | null;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number | null;
  /** Samples of this class (the row total). */
  support: number;
}

export interface ClassReport {
  perClass: ClassScores[];
  /** Unweighted means over the classes that have a value (scikit-learn's macro average). */
  macro: { precision: number | null; recall: number | null; f1: number | null };
  /** Means weighted by support. */
  weighted: { precision: number | null; recall: number | null; f1: number | null };
}

/** Per-class precision, recall and F1 (scikit-learn's classification_report), with macro and weighted means. */
export function classReport(counts: readonly (readonly number[])[]): ClassReport {
  const k = counts.length;
  const perClass: ClassScores[] = counts.map((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let t = 0; t < k; t++) predicted += counts[t][c] ?? 0;
    const hit = row[c] ?? 0;
    const precision = predicted > 0 ? hit / predicted : null;
    const recall = support > 0 ? hit / support : null;
    const f1 = precision === null || recall === null ? null : precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const mean = (pick: (s: ClassScores) => number | null, weighted: boolean): number | null => {
    let sum = 0;
    let weight = 0;
    for (const s of perClass) {
      const v = pick(s);
      if (v === null) continue;
      const w = weighted ? s.support : 1;
      sum += v * w;
      weight += w;
    }
    return weight > 0 ? sum / weight : null;
  };
  const means = (weighted: boolean) => ({ precision: mean((s) => s.precision, weighted), recall: mean((s) => s.recall, weighted), f1: mean((s) => s.f1, weighted) });
  return { perClass, macro: means(false), weighted: means(true) };
}

/** Index of the largest value (the first one on ties), as the worker's metrics pick a prediction. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Counts from per-sample labels, for a matrix built from predictions the page collected itself. */
export function confusionFrom(truth: readonly number[], predicted: readonly number[], classes: number): number[][] {
  if (truth.length !== predicted.length) throw new Error(`confusion: ${truth.length} true labels but ${predicted.length} predictions`);
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, i) => {
    const p = predicted[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) throw new Error(`confusion: sample ${i} has label ${t} and prediction ${p}, outside 0…${classes - 1}`);
    m[t][p]++;
  });
  return m;
}
