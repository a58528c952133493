/**
 * A preset's silhouette: its layout drawn small, layers as rounded bars in their category
 * colours, wires as curves. A long chain (VGG-16 is 41 layers in one column) is folded into
 * side-by-side columns, like text, so its layers stay visible at thumbnail size.
 */
import { getLayer } from '../../engine/layers/index';
import { categoryVar } from '../graph/categories';
import type { OpenedDocument } from '../project/convert';
import { foldLayout, NODE_H as H, NODE_W as W } from './fold';

export function Thumbnail({ doc }: { doc: OpenedDocument }) {
  const positions = foldLayout(Object.fromEntries(doc.nodes.map((n) => [n.id, n.position])));
  const ids = Object.keys(positions);
  if (ids.length === 0) return <svg className="thumb" viewBox="0 0 240 150" />;
  const xs = ids.map((id) => positions[id].x);
  const ys = ids.map((id) => positions[id].y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const width = Math.max(...xs) - minX + W;
  const height = Math.max(...ys) - minY + H;
  const pad = Math.max(width, height) * 0.05;
  const port = (id: string, bottom: boolean) => ({ x: positions[id].x + W / 2, y: positions[id].y + (bottom ? H * 0.8 : H * 0.2) });
  return (
    <svg className="thumb" viewBox={`${minX - pad} ${minY - pad} ${width + 2 * pad} ${height + 2 * pad}`} preserveAspectRatio="xMidYMid meet" aria-hidden>
      {doc.edges.map((e) => {
        const a = port(e.source, true);
        const b = port(e.target, false);
        const bend = Math.max(40, Math.abs(b.y - a.y) / 2);
        return <path key={e.id} d={`M${a.x},${a.y} C${a.x},${a.y + bend} ${b.x},${b.y - bend} ${b.x},${b.y}`} className="thumb-edge" />;
      })}
      {doc.nodes.map((n) => (
        <rect
          key={n.id}
          x={positions[n.id].x}
          y={positions[n.id].y + H * 0.2}
          width={W}
          height={H * 0.6}
          rx={20}
          style={{ fill: categoryVar(getLayer(n.data.type)?.category ?? 'Other') }}
          className="thumb-node"
        />
      ))}
    </svg>
  );
}
