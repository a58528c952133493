/**
 * One ONNX import as a message job, so the app can run it in a web worker: the file's bytes in;
 * out the project's text (graph, layout, description: no weights), a one-line summary and the
 * weights as float32 tensors (their buffers can be transferred, not copied) — or the importer's
 * error as its name and message (unmappable nodes listed), since an Error's class does not cross
 * a worker's wall. Plain data both ways: Node tests call it directly.
 */
import { checkWeightsFit, WEIGHTS_FORMAT, WEIGHTS_VERSION, type WeightsJson } from '../weights';
import { GENERATED_BY } from '../header';
import { graphSummary, onnxToProject } from './project';

export interface ImportJob {
  bytes: Uint8Array;
  /** The file's name, e.g. `resnet18.onnx`: names the project and its description. */
  fileName: string;
}

export interface ImportedTensor {
  key: string;
  shape: number[];
  data: Float32Array;
}

export type ImportJobResult =
  | { ok: true; projectText: string; summary: string; tensors: ImportedTensor[] }
  | { ok: false; error: { name: string; message: string } };

export async function runImportJob(job: ImportJob): Promise<ImportJobResult> {
  try {
    const { project, imported } = await onnxToProject(job.bytes, job.fileName, { embedWeights: false });
    const slots = checkWeightsFit(imported.report, imported.weights);
    return {
      ok: true,
      projectText: JSON.stringify(project),
      summary: `${imported.graph.nodes.length} nodes (${graphSummary(imported.graph)}), ONNX opset ${imported.opset}`,
      tensors: slots.map((s) => ({ key: s.key, shape: [...s.shape], data: imported.weights[s.key] })),
    };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) } };
  }
}

/** The buffers a result's tensors live in, each once: the transfer list for postMessage. */
export function resultTransfers(result: ImportJobResult): ArrayBuffer[] {
  if (!result.ok) return [];
  return [...new Set(result.tensors.map((t) => t.data.buffer as ArrayBuffer))];
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
