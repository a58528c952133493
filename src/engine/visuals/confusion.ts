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
