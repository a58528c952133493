/**
 * One ONNX import as a message job, so the app can run it in a web worker: the file's bytes in;
 * out the project's text (graph, layout, description: no weights), a one-line summary and the
 * weights as float32 tensors (their buffers can be transferred, not copied) — or the importer's
 * error as its name and message (unmappable nodes listed), since an Error's class does not cross
 * a worker's wall. Plain data both ways: Node tests call it directly. The page turns the tensors
 * into its document's weights with `weights-json.ts` (without loading the importer).
 */
import { checkWeightsFit } from '../weights';
import type { ImportedTensor } from './weights-json';
import { graphSummary, onnxToProject } from './project';

export type { ImportedTensor } from './weights-json';

export interface ImportJob {
  bytes: Uint8Array;
  /** The file's name, e.g. `resnet18.onnx`: names the project and its description. */
  fileName: string;
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
