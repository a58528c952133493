/**
 * A dataset described for people before training: counts, sample shape, classes, and a few
 * samples spread over the training split, as many classes among them as there are (not twelve
 * of the first class). Used by the app's data panel on both hosts: the page for built-in and
 * in-memory data, Electron main for folders.
 */
import { inputSize, type Dataset } from './types';

export interface DatasetPreview {
  name: string;
  trainCount: number;
  /** The data's own test split; null when validation is held out of the training split. */
  testCount: number | null;
  inputShape: number[];
  classes: string[] | null;
  /** Regression targets' shape; [] for classifiers. */
  targetShape: number[];
  /** Samples in [0, 1] (raw scale), `inputShape` each, with their class name ('' for regression). */
  samples: { x: Float32Array; label: string }[];
}

export const PREVIEW_SAMPLES = 12;

export async function previewDataset(d: Dataset, n = PREVIEW_SAMPLES): Promise<DatasetPreview> {
  const size = inputSize(d);
  const count = d.train.length;
  const picks = count <= n ? Array.from({ length: count }, (_, i) => i) : Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
  const samples: DatasetPreview['samples'] = [];
  const k = d.classes?.length ?? 0;
  // classes shown in this round (a round ends when every class has been shown)
  const shown = new Set<number>();
  for (const at of picks) {
    if (k > 0 && shown.size >= k) shown.clear();
    // from each spread position, the next sample of a class not shown yet, looking at most
    // one sample per class ahead (evenly spaced positions can all land on one class: Shapes
    // labels sample i with class i mod k)
    let r = await d.train.read(at, 1);
    const end = Math.min(count, at + k);
    for (let i = at + 1; k > 0 && shown.has(r.y[0]) && i < end; i++) {
      const next = await d.train.read(i, 1);
      if (!shown.has(next.y[0])) r = next;
    }
    if (k > 0) shown.add(r.y[0]);
    const label = d.classes ? (d.classes[r.y[0]] ?? `class ${r.y[0]}`) : '';
    samples.push({ x: r.x.slice(0, size), label });
  }
  return {
    name: d.name,
    trainCount: count,
    testCount: d.test ? d.test.length : null,
    inputShape: [...d.inputShape],
    classes: d.classes ? [...d.classes] : null,
    targetShape: [...d.targetShape],
    samples,
  };
}
