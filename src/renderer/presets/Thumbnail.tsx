/**
 * A preset's silhouette: its layout drawn small, layers as rounded bars in their category
 * colours, wires as curves. A long chain (VGG-16 is 41 layers in one column) is folded into
 * side-by-side columns, like text, so its layers stay visible at thumbnail size.
 */
import type { XYPosition } from '@xyflow/react';
import { getLayer } from '../../engine/layers/index';
import { categoryVar } from '../graph/categories';
import type { OpenedDocument } from '../project/convert';

const W = 224;
const H = 112;
const GAP = 90;
/** Target width : height of the drawing (the card's thumbnail area is about 1.7 : 1). */
const ASPECT = 1.5;

/** Fold a tall layout into columns; returns the new positions. */
export function foldLayout(positions: Record<string, XYPosition>): Record<string, XYPosition> {
  const ids = Object.keys(positions);
  if (ids.length === 0) return positions;
  const xs = ids.map((id) => positions[id].x);
  const ys = ids.map((id) => positions[id].y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const width = Math.max(...xs) - minX + W;
  const height = Math.max(...ys) - minY + H;
  // k columns of height h/k side by side: (k·(w+gap)) / (h/k) ≈ ASPECT.
  const k = Math.max(1, Math.round(Math.sqrt((ASPECT * height) / (width + GAP))));
  if (k === 1) return positions;
  const colHeight = height / k;
  const out: Record<string, XYPosition> = {};
  for (const id of ids) {
    const p = positions[id];
    const col = Math.min(k - 1, Math.floor((p.y - minY) / colHeight));
    out[id] = { x: p.x + col * (width + GAP), y: p.y - col * colHeight };
  }
  return out;
}

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
