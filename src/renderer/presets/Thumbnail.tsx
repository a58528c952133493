/**
 * A preset's silhouette: its layout drawn small, layers as rounded bars in their category
 * colours, wires as lines. Graphs without positions are stacked in file order.
 */
import { getLayer } from '../../engine/layers/index';
import { categoryVar } from '../graph/categories';
import type { OpenedDocument } from '../project/convert';

const W = 224;
const H = 112;

export function Thumbnail({ doc }: { doc: OpenedDocument }) {
  const nodes = doc.nodes;
  if (nodes.length === 0) return <svg className="thumb" viewBox="0 0 240 150" />;
  const xs = nodes.map((n) => n.position.x);
  const ys = nodes.map((n) => n.position.y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const width = Math.max(...xs) - minX + W;
  const height = Math.max(...ys) - minY + H;
  const pad = Math.max(width, height) * 0.06;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const centre = (id: string, bottom: boolean) => {
    const n = byId.get(id)!;
    return { x: n.position.x + W / 2, y: n.position.y + (bottom ? H * 0.75 : H * 0.25) };
  };
  return (
    <svg className="thumb" viewBox={`${minX - pad} ${minY - pad} ${width + 2 * pad} ${height + 2 * pad}`} preserveAspectRatio="xMidYMid meet" aria-hidden>
      {doc.edges.map((e) => {
        const a = centre(e.source, true);
        const b = centre(e.target, false);
        const my = (a.y + b.y) / 2;
        return <path key={e.id} d={`M${a.x},${a.y} C${a.x},${my} ${b.x},${my} ${b.x},${b.y}`} className="thumb-edge" />;
      })}
      {nodes.map((n) => (
        <rect
          key={n.id}
          x={n.position.x}
          y={n.position.y + H * 0.2}
          width={W}
          height={H * 0.6}
          rx={18}
          style={{ fill: categoryVar(getLayer(n.data.type)?.category ?? 'Other') }}
          className="thumb-node"
        />
      ))}
    </svg>
  );
}
