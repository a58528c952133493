/**
 * The canvas's side of auto-layout: React Flow's nodes (measured sizes where it has them, else
 * the engine's estimate) and edges (ports from their handles) handed to the engine's layout core,
 * src/engine/graph/layout.ts (elkjs, then the snake of columns). The app runs that core in a web
 * worker (layout-in-worker.ts, with `layoutJob` below); `layoutGraph` runs it in this thread.
 */
import { estimateNodeSize, layoutSized, type Positions, type SizedNode } from '../../engine/graph/layout';
import type { LayoutJob } from '../../engine/graph/layout-worker';
import { portOf } from '../graph/types';

type FlowNodes = readonly { id: string; data: { type: string }; measured?: { width?: number; height?: number } }[];
type FlowEdges = readonly { source: string; target: string; targetHandle?: string | null }[];

/** React Flow nodes and edges as the layout sees them: measured sizes, else estimated. */
export function sizedNodes(nodes: FlowNodes): SizedNode[] {
  return nodes.map((n) => {
    const estimate = estimateNodeSize(n.data.type);
    return { id: n.id, width: n.measured?.width ?? estimate.width, height: n.measured?.height ?? estimate.height };
  });
}

/** What the layout core is given for the canvas's nodes and edges: plain data, for a worker. */
export function layoutJob(nodes: FlowNodes, edges: FlowEdges): Omit<LayoutJob, 'id'> {
  return { nodes: sizedNodes(nodes), edges: edges.map((e) => ({ source: e.source, target: e.target, port: portOf(e.targetHandle) })) };
}

/** The canvas's layout in this thread (tests; the app uses layoutInWorker). */
export async function layoutGraph(nodes: FlowNodes, edges: FlowEdges): Promise<Positions> {
  const job = layoutJob(nodes, edges);
  return layoutSized(job.nodes, job.edges);
}
