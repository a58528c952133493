/**
 * Folding a tall layout into side-by-side columns, like text, for thumbnails: VGG-16 is 41
 * layers in one column, which at thumbnail size would be a line.
 */
import type { XYPosition } from '@xyflow/react';

export const NODE_W = 224;
export const NODE_H = 112;
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
  const width = Math.max(...xs) - minX + NODE_W;
  const height = Math.max(...ys) - minY + NODE_H;
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

