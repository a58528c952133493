/**
 * A dataset described for people before training: counts, sample shape, classes, and a few
 * samples spread over the training split (not twelve of the first class). Used by the app's
 * data panel on both hosts: the page for built-in and in-memory data, Electron main for folders.
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
  for (const i of picks) {
    const r = await d.train.read(i, 1);
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
