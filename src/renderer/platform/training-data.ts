/**
 * Describing a dataset for the panel (counts, shape, classes, a strip of samples), shared by
 * both platforms: built-in sets are generated right here (a dozen samples, cheap), file data
 * through whatever opened it (the browser's in-memory readers, or main on the desktop).
 */
import { openBuiltinDataset } from '../../engine/data/ref';
import type { Dataset } from '../../engine/data/types';
import { inputSize } from '../../engine/data/types';
import type { DataChoice, DataPreview } from './training';

/** How many samples the strip shows. */
export const PREVIEW_SAMPLES = 12;

/** Spread the strip over the training split, so it is not twelve of the first class. */
function previewIndices(count: number, n: number): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

export async function describeDataset(d: Dataset, n = PREVIEW_SAMPLES): Promise<DataPreview> {
  const size = inputSize(d);
  const samples: DataPreview['samples'] = [];
  for (const i of previewIndices(d.train.length, n)) {
    const r = await d.train.read(i, 1);
    const label = d.classes ? (d.classes[r.y[0]] ?? `class ${r.y[0]}`) : '';
    samples.push({ x: r.x.slice(0, size), label });
  }
  return {
    name: d.name,
    trainCount: d.train.length,
    testCount: d.test ? d.test.length : null,
    inputShape: [...d.inputShape],
    classes: d.classes ? [...d.classes] : null,
    targetShape: [...d.targetShape],
    samples,
  };
}

export async function describeBuiltin(choice: Extract<DataChoice, { kind: 'builtin' }>, inputShape: readonly number[] | null, seed = 1): Promise<DataPreview> {
  const d = openBuiltinDataset(choice.ref, { inputShape: inputShape ?? undefined, seed });
  try {
    return await describeDataset(d);
  } finally {
    await d.close?.();
  }
}
