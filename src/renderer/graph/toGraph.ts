/**
 * Canvas → Graph IR. Pure, and memoized on what matters: a drag or a selection change gives
 * new node objects but the same ids, types and params, so the same Graph object comes back and
 * nothing downstream (shape inference, node faces) recomputes.
 */
import type { Graph } from '../../engine/graph/types';
import { portOf, type LayerEdge, type LayerNode } from './types';

export function toGraph(nodes: readonly LayerNode[], edges: readonly LayerEdge[]): Graph {
  return {
    nodes: nodes.map((n) => ({ id: n.id, type: n.data.type, params: n.data.params })),
    edges: edges.map((e) => ({ from: e.source, to: e.target, port: portOf(e.targetHandle) })),
  };
}

let last: { nodes: readonly LayerNode[]; edges: readonly LayerEdge[]; graph: Graph } | null = null;

function sameNodes(a: readonly LayerNode[], b: readonly LayerNode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].id !== b[i].id || a[i].data !== b[i].data) return false;
  return true;
}

function sameEdges(a: readonly LayerEdge[], b: readonly LayerEdge[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].source !== b[i].source || a[i].target !== b[i].target || a[i].targetHandle !== b[i].targetHandle) return false;
  }
  return true;
}

export function toGraphMemo(nodes: readonly LayerNode[], edges: readonly LayerEdge[]): Graph {
  if (last && sameNodes(last.nodes, nodes) && sameEdges(last.edges, edges)) {
    last = { nodes, edges, graph: last.graph };
    return last.graph;
  }
  last = { nodes, edges, graph: toGraph(nodes, edges) };
  return last.graph;
}
