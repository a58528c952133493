/**
 * Would this edge work? Asked while the user drags a wire, before anything changes: the
 * engine's inferShapes runs on the graph with the edge added (replacing whatever fed that port
 * before), and the target node's verdict is the answer. No shape rule lives here.
 */
import type { Graph, GraphEdge } from '../../engine/graph/types';
import { getLayer } from '../../engine/layers/index';
import { inferShapes } from '../../engine/shapes/inferShapes';
import { reportFor } from './report';
import { wiringIncomplete } from './wiring';

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

export function withEdge(graph: Graph, edge: GraphEdge): Graph {
  return {
    nodes: graph.nodes,
    edges: [...graph.edges.filter((e) => !(e.to === edge.to && e.port === edge.port)), edge],
  };
}

/** A node still being wired (too few inputs, or a gap before a filled port) is not yet wrong. */
function stillWiring(graph: Graph, nodeId: string): boolean {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const spec = node && getLayer(node.type);
  return !!spec && wiringIncomplete(spec, graph.edges.filter((e) => e.to === nodeId).map((e) => e.port));
}

export function checkConnection(graph: Graph, edge: GraphEdge): ConnectionVerdict {
  const next = withEdge(graph, edge);
  const after = inferShapes(next);
  // Unreadable structure (a cycle, a self-loop): the engine says why.
  if (!after.structure) return { ok: false, reason: after.errors[0]?.message ?? 'this connection breaks the graph' };
  const info = after.byId.get(edge.to);
  const error = info?.error;
  if (!error) return { ok: true };
  // Parameters that do not validate (a required one not set yet) are the layer's problem, not the wire's.
  if (info.params === null && info.spec) return { ok: true };
  if (error.field === 'port' && stillWiring(next, edge.to)) return { ok: true };
  // An error the target already had, whatever feeds it, is not this edge's fault.
  const before = reportFor(graph).byId.get(edge.to)?.error;
  if (before && before.message === error.message) return { ok: true };
  return { ok: false, reason: error.message };
}
