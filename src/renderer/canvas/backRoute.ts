/**
 * Where a wire that goes back up runs: a vertical lane clear of every node between the height it
 * leaves its source and the height it enters its target, as near the two ends as possible.
 * Pure geometry over React Flow's measured nodes (unit-tested in renderer-layout.test.ts).
 */
export interface RouteEnds {
  source: string;
  target: string;
  sourceX: number;
  sourceY: number;
  targetX: number;
  targetY: number;
}
interface NodeRect {
  id: string;
  internals: { positionAbsolute: { x: number; y: number } };
  measured: { width?: number; height?: number };
}

/** Distance kept between a wire's lane and a node's side. */
const CLEARANCE = 20;

/** A wire must go round when its target's input is above its source's output. */
export function needsBackRoute(sourceY: number, targetY: number): boolean {
  return targetY < sourceY;
}

export function backRoute(nodes: Iterable<NodeRect>, e: RouteEnds): number {
  const top = e.targetY - 18;
  const bottom = e.sourceY + 18;
  const blocks: [number, number][] = [];
  for (const n of nodes) {
    const { x, y } = n.internals.positionAbsolute;
    const w = n.measured.width ?? 0;
    const h = n.measured.height ?? 0;
    if (y + h < top || y > bottom) continue;
    blocks.push([x - CLEARANCE, x + w + CLEARANCE]);
  }
  const free = freeTest(blocks);
  // a lane just left of a node (a) or just right of one (b), or halfway; `away` points into the gap
  const candidates = [{ x: (e.sourceX + e.targetX) / 2, away: 1 }, ...blocks.flatMap(([a, b]) => [{ x: a, away: -1 }, { x: b, away: 1 }])].filter((c) => free(c.x));
  const cost = (x: number) => Math.abs(x - e.sourceX) + Math.abs(x - e.targetX);
  if (candidates.length === 0) return Math.max(e.sourceX, e.targetX) + 120;
  const best = candidates.reduce((p, c) => (cost(c.x) < cost(p.x) ? c : p));
  // Several wires back up the same gap (DenseNet's concatenations) each get their own lane.
  const spread = best.x + best.away * LANE_STEP * (hash(`${e.source}>${e.target}`) % LANES);
  return free(spread) ? spread : best.x;
}

/**
 * `x => blocks.every(([a, b]) => x <= a || x >= b)` in log time: the blocks' open intervals merged
 * where they overlap, then a binary search. Every back wire asks this of every candidate lane on
 * each store change (DenseNet-121: dozens of wires, hundreds of blocks each): quadratic cost held
 * the main thread for 300 ms after an Auto layout.
 */
function freeTest(blocks: readonly [number, number][]): (x: number) => boolean {
  const sorted = [...blocks].sort((p, q) => p[0] - q[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a < last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return (x) => {
    // the last interval that opens left of x: x is inside one only if inside that one
    let lo = 0;
    let hi = merged.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (merged[mid][0] < x) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at < 0 || x >= merged[at][1];
  };
}

const LANE_STEP = 8;
const LANES = 5;
function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
