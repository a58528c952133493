/**
 * Imported float32 tensors as a weights file's JSON value for a document in memory, in slices, so
 * the page that receives them from the import worker stays responsive. Its own module: the page
 * loads this, never the importer (onnx-proto, elkjs) that `import-job.ts` pulls in.
 */
import { GENERATED_BY } from '../header';
import { WEIGHTS_FORMAT, WEIGHTS_VERSION, type WeightsJson } from '../weights';

export interface ImportedTensor {
  key: string;
  shape: number[];
  data: Float32Array;
}

/** Values copied between two pauses of `tensorsToWeightsJson`: about 20–50 ms of a page's main thread. */
export const WEIGHTS_SLICE = 1 << 18;

/**
 * The tensors as a weights file's JSON value for a document in memory: float32 values as they
 * are (no shortest-decimal search: ResNet-18's 11.2 M values in well under a second). `pause`
 * runs after every `slice` values copied, so a page can paint and take input in between (one
 * of ResNet-18's 2.4 M-value tensors copied at once held the main thread ~190 ms).
 */
export async function tensorsToWeightsJson(
  tensors: readonly ImportedTensor[],
  { pause = async () => undefined, slice = WEIGHTS_SLICE }: { pause?: () => Promise<void>; slice?: number } = {},
): Promise<WeightsJson> {
  const out: WeightsJson['tensors'] = {};
  let sincePause = 0;
  for (const t of tensors) {
    const n = t.data.length;
    const data = new Array<number>(n);
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + slice - sincePause);
      for (let j = i; j < end; j++) data[j] = t.data[j];
      sincePause += end - i;
      i = end;
      if (sincePause === slice) {
        await pause();
        sincePause = 0;
      }
    }
    out[t.key] = { shape: [...t.shape], data };
  }
  return { format: WEIGHTS_FORMAT, version: WEIGHTS_VERSION, generatedBy: GENERATED_BY, tensors: out };
}
