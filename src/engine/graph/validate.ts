/**
 * Structural checks on a Graph IR value of unknown origin (a file, the canvas, a fuzzer):
 * well-formed nodes and edges, known layer types, input ports filled exactly once, no cycles.
 * Returns the nodes in topological order taken from the edges, never from the array order.
 */
import { GraphError } from './errors';
import type { Graph, GraphEdge, GraphNode } from './types';
import { getLayer } from '../layers/index';

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Check the raw JSON shape of a graph and return it typed (params not yet resolved). */
export function parseGraph(raw: unknown): Graph {
  if (!isRecord(raw)) throw new GraphError('graph must be an object with "nodes" and "edges"');
  if (!Array.isArray(raw.nodes)) throw new GraphError('graph.nodes must be an array');
  if (raw.edges !== undefined && !Array.isArray(raw.edges)) throw new GraphError('graph.edges must be an array');
  const nodes: GraphNode[] = raw.nodes.map((n: unknown, i: number) => {
    if (!isRecord(n)) throw new GraphError(`graph.nodes[${i}] must be an object`);
    if (typeof n.id !== 'string' || !ID_PATTERN.test(n.id)) {
      throw new GraphError(`graph.nodes[${i}].id must be a name of letters, digits, _ or - (starting with a letter or _), got ${JSON.stringify(n.id)}`);
    }
    if (typeof n.type !== 'string') throw new GraphError('type must be a string', n.id, 'type');
    if (n.params !== undefined && !isRecord(n.params)) throw new GraphError('params must be an object', n.id, 'params');
    return { id: n.id, type: n.type, params: (n.params ?? {}) as Record<string, unknown> };
  });
  const edges: GraphEdge[] = ((raw.edges ?? []) as unknown[]).map((e: unknown, i: number) => {
    if (!isRecord(e)) throw new GraphError(`graph.edges[${i}] must be an object`);
    if (typeof e.from !== 'string' || typeof e.to !== 'string') throw new GraphError(`graph.edges[${i}] needs string "from" and "to"`);
    const port = e.port ?? 0;
    // Capped: analyzeGraph indexes ports into an array, and port 1e9 ran it out of memory (fuzz).
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 255) {
      throw new GraphError(`edge ${e.from} → ${e.to}: port must be a whole number from 0 to 255, got ${JSON.stringify(e.port)}`, e.to, 'port');
    }
    return { from: e.from, to: e.to, port };
  });
  return { nodes, edges };
}

export interface GraphStructure {
  /** Node ids in topological order. */
  order: string[];
  byId: Map<string, GraphNode>;
  /** Per node: the source node of each input port, in port order. */
  inputsOf: Map<string, string[]>;
  /** Per node: the nodes consuming its output. */
  consumersOf: Map<string, string[]>;
}

/**
 * Validate structure. Errors are collected per node where the graph can still be read around
 * them (so the canvas can mark several nodes), and the first fatal one is thrown otherwise.
 */
export function analyzeGraph(graph: Graph): { structure: GraphStructure; errors: GraphError[] } {
  const errors: GraphError[] = [];
  const byId = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    if (byId.has(n.id)) throw new GraphError(`duplicate node id "${n.id}"`, n.id, 'id');
    byId.set(n.id, n);
    if (!getLayer(n.type)) errors.push(new GraphError(`unknown layer type "${n.type}"`, n.id, 'type'));
  }
  const ports = new Map<string, (string | undefined)[]>();
  const consumersOf = new Map<string, string[]>();
  for (const n of graph.nodes) consumersOf.set(n.id, []);
  for (const e of graph.edges) {
    if (!byId.has(e.from)) throw new GraphError(`edge from unknown node "${e.from}"`, e.to, 'edges');
    if (!byId.has(e.to)) throw new GraphError(`edge to unknown node "${e.to}"`, e.from, 'edges');
    if (e.from === e.to) throw new GraphError('a node cannot feed itself', e.to, 'edges');
    const list = ports.get(e.to) ?? [];
    if (list[e.port] !== undefined) {
      errors.push(new GraphError(`input port ${e.port} is connected twice (from ${list[e.port]} and ${e.from})`, e.to, 'port'));
    }
    list[e.port] = e.from;
    ports.set(e.to, list);
    consumersOf.get(e.from)!.push(e.to);
  }
  const inputsOf = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const spec = getLayer(n.type);
    const list = ports.get(n.id) ?? [];
    const connected = list.filter((x): x is string => x !== undefined);
    if (spec) {
      for (let p = 0; p < list.length; p++) {
        if (list[p] === undefined) errors.push(new GraphError(`input port ${p} is not connected (ports must be filled from 0 up)`, n.id, 'port'));
      }
      const { min, max } = spec.inputs;
      if (list.length > max) {
        errors.push(
          new GraphError(max === 0 ? `${spec.label} takes no inputs, got ${list.length}` : `${spec.label} takes at most ${max} input${max === 1 ? '' : 's'}, got ${list.length} (port ${list.length - 1})`, n.id, 'port'),
        );
      } else if (connected.length < min) {
        errors.push(new GraphError(min === 1 ? 'input is not connected' : `needs at least ${min} inputs, got ${connected.length}`, n.id, 'port'));
      }
    }
    inputsOf.set(n.id, connected);
  }
  // Kahn's algorithm; ties broken by the node array order so results are stable.
  const indegree = new Map<string, number>();
  for (const n of graph.nodes) indegree.set(n.id, inputsOf.get(n.id)!.length);
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const c of consumersOf.get(id)!) {
      const d = indegree.get(c)! - 1;
      indegree.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  if (order.length !== graph.nodes.length) {
    const inCycle = graph.nodes.filter((n) => !order.includes(n.id)).map((n) => n.id);
    throw new GraphError(`the graph has a cycle through ${inCycle.join(', ')}`, inCycle[0] ?? null, 'edges');
  }
  return { structure: { order, byId, inputsOf, consumersOf }, errors };
}
