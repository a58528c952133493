/**
 * Describing built-in data for the panel, on both platforms: a dozen generated samples are
 * cheap enough for the page (file data is described where it was opened).
 */
import { previewDataset } from '../../engine/data/preview';
import { openBuiltinDataset } from '../../engine/data/ref';
import type { DataChoice, DataPreview } from './training';

export async function describeBuiltin(choice: Extract<DataChoice, { kind: 'builtin' }>, inputShape: readonly number[] | null, seed = 1): Promise<DataPreview> {
  const d = await openBuiltinDataset(choice.ref, { inputShape: inputShape ?? undefined, seed });
  try {
    return await previewDataset(d);
  } finally {
    await d.close?.();
  }
}
