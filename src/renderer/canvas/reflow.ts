/**
 * Reflow after a node grows (an error line, a preview thumbnail, a longer summary): the nodes it
 * now overlaps below it move down, and whatever those then overlap moves down in turn. Only
 * downward moves, so a hand-made layout keeps its shape; nothing moves when nothing overlaps.
 */
export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The gap kept below a grown node, as the auto-layout keeps between layers. */
export const REFLOW_GAP = 32;
/** A node closer than this below another counts as touching it (its wire would have no room). */
const MIN_CLEARANCE = 24;

/** New positions (only for nodes that must move) so that none of `grown` overlaps a node below it. */
export function reflowBelow(boxes: readonly Box[], grown: readonly string[]): Record<string, { x: number; y: number }> {
  const at = new Map(boxes.map((b) => [b.id, { ...b }]));
  const moved: Record<string, { x: number; y: number }> = {};
  const queue = grown.filter((id) => at.has(id));
  while (queue.length > 0) {
    const a = at.get(queue.shift()!)!;
    const bottom = a.y + a.height;
    for (const b of at.values()) {
      if (b.id === a.id || b.y <= a.y) continue; // only what lies below it
      if (b.x >= a.x + a.width || a.x >= b.x + b.width) continue; // side by side
      if (b.y >= bottom + MIN_CLEARANCE) continue; // clear of it: a hand-made gap stays as it is
      b.y = bottom + REFLOW_GAP;
      moved[b.id] = { x: b.x, y: b.y };
      queue.push(b.id);
    }
  }
  return moved;
}
