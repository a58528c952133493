/**
 * Canvas positions for an imported graph: elkjs's layered layout, top to bottom (the options the
 * app's own auto-layout uses), at the canvas's default node size. Runs in Node and in the page.
 */
import type { Graph } from '../../graph/types';
import type { Layout } from '../project';

const NODE = { width: 224, height: 112 };

export async function layoutImported(graph: Graph): Promise<Layout> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const out = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '48',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: graph.nodes.map((n, i) => ({ id: n.id, ...NODE, layoutOptions: { 'elk.position': `(${i},0)` } })),
    edges: [...graph.edges].sort((a, b) => a.port - b.port).map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  });
  return Object.fromEntries((out.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]));
}
