/**
 * The canvas's side of auto-layout: React Flow's nodes (measured sizes where it has them, else
 * the engine's estimate) and edges (ports from their handles) handed to the engine's layout core,
 * src/engine/graph/layout.ts (elkjs, then the snake of columns).
 */
import { estimateNodeSize, layoutSized, type Positions, type SizedNode } from '../../engine/graph/layout';
import { portOf } from '../graph/types';

/** React Flow nodes and edges as the layout sees them: measured sizes, else estimated. */
export function sizedNodes(nodes: readonly { id: string; data: { type: string }; measured?: { width?: number; height?: number } }[]): SizedNode[] {
  return nodes.map((n) => {
    const estimate = estimateNodeSize(n.data.type);
    return { id: n.id, width: n.measured?.width ?? estimate.width, height: n.measured?.height ?? estimate.height };
  });
}

export async function layoutGraph(
  nodes: readonly { id: string; data: { type: string }; measured?: { width?: number; height?: number } }[],
  edges: readonly { source: string; target: string; targetHandle?: string | null }[],
): Promise<Positions> {
  return layoutSized(
    sizedNodes(nodes),
    edges.map((e) => ({ source: e.source, target: e.target, port: portOf(e.targetHandle) })),
  );
}
