/**
 * Shapes, parameter counts and FLOPs for every node — the one implementation the canvas, the
 * CLI and the compiler share. Never throws for a parsed graph: problems come back per node.
 */
import { GraphError, ShapeError } from '../graph/errors';
import type { Graph, Shape } from '../graph/types';
import { analyzeGraph, type GraphStructure } from '../graph/validate';
import { getLayer } from '../layers/index';
import { resolveParams } from '../layers/params';
import { size, type LayerSpec } from '../layers/spec';

export interface NodeShapeInfo {
  id: string;
  type: string;
  spec: LayerSpec | null;
  /** Parameters with defaults applied; null when they did not validate. */
  params: Record<string, unknown> | null;
  inShapes: Shape[];
  outputShape: Shape | null;
  /** Trainable parameter count. */
  paramCount: number;
  paramShapes: Record<string, number[]>;
  stateShapes: Record<string, number[]>;
  flops: number;
  error: GraphError | null;
  /** Set when an upstream node's error leaves this node without an input shape. */
  blockedBy: string | null;
}

export interface ShapeReport {
  ok: boolean;
  /** In topological order (or the file order, when the structure is unreadable). */
  nodes: NodeShapeInfo[];
  byId: Map<string, NodeShapeInfo>;
  totals: { params: number; flops: number };
  errors: { node: string | null; message: string }[];
  structure: GraphStructure | null;
}

function toGraphError(e: unknown, node: string): GraphError {
  if (e instanceof GraphError) return e;
  if (e instanceof ShapeError) return new GraphError(e.message, node, e.field);
  return new GraphError(`internal error: ${e instanceof Error ? e.message : String(e)}`, node);
}

function emptyInfo(id: string, type: string): NodeShapeInfo {
  return { id, type, spec: getLayer(type) ?? null, params: null, inShapes: [], outputShape: null, paramCount: 0, paramShapes: {}, stateShapes: {}, flops: 0, error: null, blockedBy: null };
}

export function inferShapes(graph: Graph): ShapeReport {
  let analyzed: ReturnType<typeof analyzeGraph>;
  try {
    analyzed = analyzeGraph(graph);
  } catch (e) {
    const err = toGraphError(e, '');
    const nodes = graph.nodes.map((n) => ({ ...emptyInfo(n.id, n.type), error: err.node === n.id ? err : null }));
    return {
      ok: false,
      nodes,
      byId: new Map(nodes.map((n) => [n.id, n])),
      totals: { params: 0, flops: 0 },
      errors: [{ node: err.node || null, message: err.message }],
      structure: null,
    };
  }
  const { structure, errors: structuralErrors } = analyzed;
  const infos = new Map<string, NodeShapeInfo>();
  for (const e of structuralErrors) {
    const id = e.node!;
    const info = infos.get(id) ?? emptyInfo(id, structure.byId.get(id)!.type);
    info.error ??= e;
    infos.set(id, info);
  }
  for (const id of structure.order) {
    const node = structure.byId.get(id)!;
    const info = infos.get(id) ?? emptyInfo(id, node.type);
    infos.set(id, info);
    const spec = info.spec;
    try {
      if (!spec) continue;
      info.params = resolveParams<Record<string, unknown>>(id, spec.params, node.params);
    } catch (e) {
      info.error ??= toGraphError(e, id);
      continue;
    }
    if (info.error) continue;
    const sources = structure.inputsOf.get(id)!;
    const upstream = sources.map((s) => infos.get(s)!);
    const broken = upstream.find((u) => !u.outputShape);
    if (broken) {
      info.blockedBy = broken.blockedBy ?? broken.id;
      continue;
    }
    const terminal = upstream.find((u) => u.spec?.output);
    if (terminal) {
      info.error = new GraphError(`${terminal.id} is an output layer (${terminal.spec!.label}); nothing can follow it`, id, 'port');
      continue;
    }
    try {
      info.inShapes = upstream.map((u) => u.outputShape!);
      const out = spec!.outputShape(info.inShapes, info.params);
      if (!out.every((d) => Number.isInteger(d) && d > 0)) throw new ShapeError(`output shape ${out.join('×')} is empty`);
      // Beyond this no buffer can hold one sample, and counts stop being exact (fuzz: a 2^53 Input passed as ok).
      if (size(out) > 2 ** 31 - 1) throw new ShapeError(`output shape ${out.join('×')} has ${size(out).toExponential(2)} values per sample, more than a tensor can hold (2^31 − 1)`);
      info.outputShape = out;
      info.paramShapes = spec!.paramShapes?.(info.inShapes, info.params) ?? {};
      info.stateShapes = spec!.stateShapes?.(info.inShapes, info.params) ?? {};
      info.paramCount = Object.values(info.paramShapes).reduce((a, s) => a + size(s), 0);
      info.flops = spec!.flops(info.inShapes, out, info.params);
    } catch (e) {
      info.error = toGraphError(e, id);
      info.outputShape = null;
    }
  }
  const nodes = structure.order.map((id) => infos.get(id)!);
  const errors: ShapeReport['errors'] = nodes.filter((n) => n.error).map((n) => ({ node: n.id, message: n.error!.message }));
  if (nodes.length === 0) errors.push({ node: null, message: 'the graph is empty: add an Input' });
  else if (!nodes.some((n) => n.type === 'Input')) errors.push({ node: null, message: 'the graph has no Input node' });
  return {
    ok: errors.length === 0,
    nodes,
    byId: infos,
    totals: {
      params: nodes.reduce((a, n) => a + n.paramCount, 0),
      flops: nodes.reduce((a, n) => a + n.flops, 0),
    },
    errors,
    structure,
  };
}
