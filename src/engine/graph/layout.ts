/**
 * Auto-layout with elkjs: layered, top to bottom, then a long network is cut into columns side by
 * side (a snake: column 1 top to bottom, column 2 to its right, ...) so VGG-16's 41 blocks or
 * DenseNet-121's 400 fill a screen's width instead of a thread. Columns are cut between ELK's
 * layers where the fewest wires cross. Nodes come sized: the canvas passes React Flow's measured
 * sizes, everything else (the ONNX importer, scripts/make-presets.ts) the estimate below.
 *
 * The one layout core of the app, the importer and the preset generator: no DOM, no gpu.js, runs
 * in Node, the page and a web worker.
 */
import type { ELK as ElkInstance } from 'elkjs/lib/elk-api';
import type { Graph } from './types';
import { getLayer } from '../layers/index';

export const DEFAULT_NODE_SIZE = { width: 224, height: 112 };
/** Empty space between two columns of a wrapped layout: room for the wires that go back up. */
export const COLUMN_GAP = 140;
/** The wrapped layout aims at this width : height: the canvas between the palette and the inspector on a laptop screen (1440×900: about 860×760 px) or with a panel hidden. */
export const TARGET_ASPECT = 1.25;
/** A network shorter than this (px) stays one column: it reads at full size on any screen. */
export const WRAP_MIN_HEIGHT = 1200;

export interface SizedNode {
  id: string;
  width: number;
  height: number;
}
export interface PortEdge {
  source: string;
  target: string;
  /** The target's input port: merge inputs stay left to right by port. */
  port: number;
}
export type Positions = Record<string, { x: number; y: number }>;

/**
 * A node's height before React Flow has measured it, from what LayerNodeView draws: header,
 * the parameter summary line (layers with parameters), the shape/params line.
 */
export function estimateNodeSize(type: string): { width: number; height: number } {
  const spec = getLayer(type);
  const hasSummary = !spec || spec.params.length > 0;
  return { width: DEFAULT_NODE_SIZE.width, height: hasSummary ? 82 : 64 };
}

// elkjs is 1.4 MB: loaded on the first layout, not with the app.
let elk: Promise<ElkInstance> | null = null;
function loadElk(): Promise<ElkInstance> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new (m.default as unknown as new () => ElkInstance)());
  return elk;
}

/** ELK's layered layout, top to bottom, the file's node order as tie-breaker. */
async function layered(nodes: readonly SizedNode[], edges: readonly PortEdge[]): Promise<Positions> {
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '48',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.semiInteractive': 'true',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: nodes.map((n, i) => ({ id: n.id, width: n.width, height: n.height, layoutOptions: { 'elk.position': `(${i},0)` } })),
    edges: [...edges].sort((a, b) => a.port - b.port).map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  };
  const out = await (await loadElk()).layout(graph);
  const positions: Positions = {};
  for (const c of out.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
  return positions;
}

interface Band {
  ids: string[];
  top: number;
  bottom: number;
}

/** Horizontal bands no node straddles: a column may end between any two of them. */
function bands(nodes: readonly SizedNode[], pos: Positions): Band[] {
  const sorted = [...nodes].sort((a, b) => pos[a.id].y - pos[b.id].y);
  const out: Band[] = [];
  for (const n of sorted) {
    const top = pos[n.id].y;
    const bottom = top + n.height;
    const last = out[out.length - 1];
    if (last && top < last.bottom) {
      last.ids.push(n.id);
      last.bottom = Math.max(last.bottom, bottom);
    } else out.push({ ids: [n.id], top, bottom });
  }
  return out;
}

/**
 * Where to end each column: band indices after which a new column starts. Aims at `columns`
 * columns of equal height (re-aimed after each cut); each cut goes, among the boundaries at
 * 65–110 % of that height, where the fewest wires cross (after a pool or an Add, not through a
 * residual block).
 */
function cutPoints(bs: readonly Band[], edges: readonly PortEdge[], bandOf: Map<string, number>, columns: number): number[] {
  const crossing = new Array<number>(bs.length).fill(0); // wires crossing the boundary after band i
  for (const e of edges) {
    const a = bandOf.get(e.source)!;
    const b = bandOf.get(e.target)!;
    for (let i = Math.min(a, b); i < Math.max(a, b); i++) crossing[i]++;
  }
  const cuts: number[] = [];
  let start = 0;
  while (cuts.length < columns - 1) {
    const top = bs[start].top;
    // what is left shared among the columns left, so a short column early does not make the last one long
    const target = (bs[bs.length - 1].bottom - top) / (columns - cuts.length);
    let best = -1;
    for (let i = start; i < bs.length - 1; i++) {
      const height = bs[i].bottom - top;
      if (height > target * 1.1 && best >= 0) break;
      if (height < target * 0.65) continue;
      if (best < 0 || crossing[i] < crossing[best] || (crossing[i] === crossing[best] && Math.abs(height - target) < Math.abs(bs[best].bottom - top - target))) best = i;
    }
    if (best < 0) break;
    cuts.push(best);
    start = best + 1;
  }
  return cuts;
}

/**
 * Lay sized nodes out: ELK layered top to bottom, then wrapped into columns when the network is
 * much taller than wide (`aspect` = wanted width : height).
 */
export async function layoutSized(nodes: readonly SizedNode[], edges: readonly PortEdge[], aspect = TARGET_ASPECT): Promise<Positions> {
  if (nodes.length === 0) return {};
  const pos = await layered(nodes, edges);
  const size = new Map(nodes.map((n) => [n.id, n]));
  const bs = bands(nodes, pos);
  if (bs[bs.length - 1].bottom - bs[0].top < WRAP_MIN_HEIGHT) return pos;
  const bandOf = new Map<string, number>();
  bs.forEach((b, i) => b.ids.forEach((id) => bandOf.set(id, i)));

  /** The layout in `columns` columns, with its width : height. */
  const wrapped = (columns: number) => {
    const out: Positions = {};
    let x = 0;
    let height = 0;
    let start = 0;
    for (const end of [...cutPoints(bs, edges, bandOf, columns), bs.length - 1]) {
      const ids = bs.slice(start, end + 1).flatMap((b) => b.ids);
      const minX = Math.min(...ids.map((id) => pos[id].x));
      const maxX = Math.max(...ids.map((id) => pos[id].x + size.get(id)!.width));
      const top = bs[start].top;
      for (const id of ids) out[id] = { x: Math.round(pos[id].x - minX + x), y: Math.round(pos[id].y - top) };
      x += maxX - minX + COLUMN_GAP;
      height = Math.max(height, bs[end].bottom - top);
      start = end + 1;
    }
    return { out, aspect: (x - COLUMN_GAP) / height };
  };
  // The column count whose real width : height comes nearest the wanted one (on a log scale:
  // twice too wide is as bad as twice too tall); the aspect only grows with more columns.
  let best = wrapped(1);
  for (let k = 2; k <= Math.min(bs.length, 60); k++) {
    const next = wrapped(k);
    if (Math.abs(Math.log(next.aspect / aspect)) >= Math.abs(Math.log(best.aspect / aspect))) {
      if (next.aspect > aspect) break;
      continue;
    }
    best = next;
  }
  return best.out;
}

/** A graph as the layout sees it: each node at its estimated card size, edges with their ports. */
export function layoutEstimated(graph: Graph, aspect = TARGET_ASPECT): Promise<Positions> {
  return layoutSized(
    graph.nodes.map((n) => ({ id: n.id, ...estimateNodeSize(n.type) })),
    graph.edges.map((e) => ({ source: e.from, target: e.to, port: e.port })),
    aspect,
  );
}
