/**
 * An imported ONNX model as a Convas project: the graph laid out, its weights (embedded, or for a
 * separate weights file), a description saying where it came from, and the mapping as text.
 */
import type { Graph } from '../../graph/types';
import { projectToJson, type ProjectJson } from '../project';
import { weightsToJson } from '../weights';
import { layoutEstimated } from '../../graph/layout';
import { importOnnx, type ImportOptions, type OnnxImport } from './onnx-import';

export interface ImportedProject {
  imported: OnnxImport;
  /** The project file's JSON; its weights embedded unless `embedWeights` is false. */
  project: ProjectJson;
}

export async function onnxToProject(bytes: Uint8Array, fileName: string, options: ImportOptions & { embedWeights?: boolean } = {}): Promise<ImportedProject> {
  const imported = importOnnx(bytes, options);
  const layout = await layoutEstimated(imported.graph);
  const from = `Imported from ${fileName} (ONNX opset ${imported.opset}${imported.producer ? `, ${imported.producer}` : ''})`;
  const stop = imported.stopped ? `; partial: stopped at ${imported.stopped.at.name} (${imported.stopped.at.opType}): ${imported.stopped.at.reason}` : '';
  const project = projectToJson({
    name: fileName.replace(/\.onnx$/i, ''),
    description: `${from}${stop}.`,
    graph: imported.graph,
    layout,
    ...(options.embedWeights === false ? {} : { weights: weightsToJson(imported.report, imported.weights) }),
  });
  return { imported, project };
}

/** `onnx node → convas node`, one line per ONNX node, for the CLI and the app's log. */
export function mappingText(imported: OnnxImport): string {
  const width = Math.min(48, Math.max(...imported.mapping.map((r) => r.onnx.length + r.opType.length + 3)));
  return imported.mapping
    .map((r) => `${`${r.onnx} (${r.opType})`.padEnd(width)} → ${r.convas.length ? r.convas.join(', ') : `(${r.note})`}`)
    .join('\n');
}

export function graphSummary(graph: Graph): string {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t}`).join(', ');
}
