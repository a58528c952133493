/**
 * Auto-layout with elkjs: layered, top to bottom, edges routed between layers. Node sizes are the
 * measured ones where React Flow has them, so tall merge nodes get the room they take.
 */
import type { XYPosition } from '@xyflow/react';
import type { ELK as ElkInstance } from 'elkjs/lib/elk-api';
import type { LayerEdge, LayerNode } from '../graph/types';
import { portOf } from '../graph/types';

export const DEFAULT_NODE_SIZE = { width: 224, height: 112 };

// elkjs is 1.4 MB: loaded on the first layout, not with the app.
let elk: Promise<ElkInstance> | null = null;
function loadElk(): Promise<ElkInstance> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

export async function layoutGraph(nodes: readonly LayerNode[], edges: readonly LayerEdge[]): Promise<Record<string, XYPosition>> {
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
    children: nodes.map((n, i) => ({
      id: n.id,
      width: n.measured?.width ?? DEFAULT_NODE_SIZE.width,
      height: n.measured?.height ?? DEFAULT_NODE_SIZE.height,
      // Keeps the file's node order as the tie-breaker, so merge inputs stay left-to-right by port.
      layoutOptions: { 'elk.position': `(${i},0)` },
    })),
    edges: [...edges]
      .sort((a, b) => portOf(a.targetHandle) - portOf(b.targetHandle))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await (await loadElk()).layout(graph);
  const positions: Record<string, XYPosition> = {};
  for (const c of out.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
  return positions;
}
