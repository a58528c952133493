/** The canvas's node and edge types: React Flow objects whose data is the Graph IR node. */
import type { Edge, Node } from '@xyflow/react';
import type { Params } from '../../engine/graph/types';

export interface LayerData extends Record<string, unknown> {
  type: string;
  params: Params;
}

export type LayerNode = Node<LayerData, 'layer'>;
export type LayerEdge = Edge;

/** Handle ids: one source handle per node, one target handle per input port. */
export const OUT_HANDLE = 'out';
export const inHandle = (port: number) => `in-${port}`;

export function portOf(handle: string | null | undefined): number {
  if (!handle) return 0;
  const m = /^in-(\d+)$/.exec(handle);
  return m ? Number(m[1]) : 0;
}

export function edgeId(source: string, target: string, port: number): string {
  return `${source}->${target}:${port}`;
}
