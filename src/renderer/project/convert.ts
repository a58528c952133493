/**
 * Project file ⇄ editor document, through the engine's loader (`parseProject`) and writer
 * (`projectToJson`): the app never reads or writes the format by itself.
 */
import { FormatError } from '../../engine/io/errors';
import { JsonTextError, parseJsonText } from '../../engine/io/json-text';
import { parseProject, projectToJson, type Layout } from '../../engine/io/project';
import type { WeightsJson } from '../../engine/io/weights';
import { makeEdge, makeLayerNode, type DocumentMeta, type LoadedDocument } from '../store/editor';
import type { LayerEdge, LayerNode } from '../graph/types';
import { toGraph } from '../graph/toGraph';

export interface OpenedDocument extends LoadedDocument {
  /** Nodes the file gave no position: the caller lays the graph out. */
  needsLayout: boolean;
}

/** Parse a project file's text; errors name the file and the field. */
export function documentFromText(text: string, fileLabel: string, where: { name: string; path: string | null }): OpenedDocument {
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (e) {
    if (e instanceof JsonTextError) throw new Error(e.kind === 'syntax' ? `${fileLabel} is ${e.message}` : `${fileLabel}: ${e.message}`);
    throw e;
  }
  let project;
  try {
    project = parseProject(raw);
  } catch (e) {
    if (e instanceof FormatError) throw new Error(`${fileLabel}: ${e.message}`);
    throw e;
  }
  const layout = project.layout;
  const nodes: LayerNode[] = project.graph.nodes.map((n, i) => makeLayerNode(n.id, n.type, n.params, layout[n.id] ?? { x: 0, y: i * 120 }));
  const edges: LayerEdge[] = project.graph.edges.map((e) => makeEdge(e.from, e.to, e.port));
  const rawWeights = (raw as { weights?: WeightsJson }).weights;
  const meta: DocumentMeta = {
    name: where.name,
    title: project.name,
    path: where.path,
    description: project.description,
    expectedParams: project.expectedParams,
    training: project.training,
    weights: rawWeights ?? null,
  };
  return { nodes, edges, meta, needsLayout: project.graph.nodes.some((n) => !layout[n.id]) };
}

/** The project file text for the current document. */
export function documentToText(nodes: readonly LayerNode[], edges: readonly LayerEdge[], meta: DocumentMeta): string {
  const layout: Layout = {};
  for (const n of nodes) layout[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
  const json = projectToJson({
    name: meta.title || meta.name,
    description: meta.description || undefined,
    expectedParams: meta.expectedParams ?? undefined,
    graph: toGraph(nodes, edges),
    layout,
    training: meta.training,
    weights: meta.weights ?? undefined,
  });
  return `${JSON.stringify(json, null, 2)}\n`;
}
