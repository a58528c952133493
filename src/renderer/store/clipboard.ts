/**
 * Copy/paste of layers: the selected nodes and the edges between them. Pasted copies get fresh
 * ids and land offset from the originals (or centred on a point), selected.
 */
import type { XYPosition } from '@xyflow/react';
import { portOf, type LayerEdge, type LayerNode } from '../graph/types';
import { makeEdge, makeLayerNode, useEditor } from './editor';
import { freshId } from './ids';

interface Clip {
  nodes: { id: string; type: string; params: Record<string, unknown>; position: XYPosition }[];
  edges: { source: string; target: string; port: number }[];
}

let clip: Clip | null = null;
let pasteCount = 0;

export function hasClip(): boolean {
  return clip !== null && clip.nodes.length > 0;
}

export function copySelection(): number {
  const { nodes, edges } = useEditor.getState();
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) return 0;
  const ids = new Set(picked.map((n) => n.id));
  clip = {
    nodes: picked.map((n) => ({ id: n.id, type: n.data.type, params: n.data.params, position: n.position })),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ source: e.source, target: e.target, port: portOf(e.targetHandle) })),
  };
  pasteCount = 0;
  return picked.length;
}

export function cutSelection(): number {
  const n = copySelection();
  if (n > 0) useEditor.getState().deleteSelection();
  return n;
}

/** Paste the clipboard; `at` centres the copies on a canvas point, otherwise they step 40 px each time. */
export function paste(at?: XYPosition): number {
  if (!clip || clip.nodes.length === 0) return 0;
  const taken = new Set(useEditor.getState().nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = freshId(n.type, taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  let dx: number;
  let dy: number;
  if (at) {
    const minX = Math.min(...clip.nodes.map((n) => n.position.x));
    const minY = Math.min(...clip.nodes.map((n) => n.position.y));
    dx = at.x - minX;
    dy = at.y - minY;
  } else {
    pasteCount++;
    dx = dy = 40 * pasteCount;
  }
  const nodes: LayerNode[] = clip.nodes.map((n) => makeLayerNode(rename.get(n.id)!, n.type, n.params, { x: n.position.x + dx, y: n.position.y + dy }, true));
  const edges: LayerEdge[] = clip.edges.map((e) => makeEdge(rename.get(e.source)!, rename.get(e.target)!, e.port));
  useEditor.getState().pasteNodes(nodes, edges);
  return nodes.length;
}
