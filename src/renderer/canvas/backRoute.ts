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
  const free = (x: number) => blocks.every(([a, b]) => x <= a || x >= b);
  // a lane just left of a node (a) or just right of one (b), or halfway; `away` points into the gap
  const candidates = [{ x: (e.sourceX + e.targetX) / 2, away: 1 }, ...blocks.flatMap(([a, b]) => [{ x: a, away: -1 }, { x: b, away: 1 }])].filter((c) => free(c.x));
  const cost = (x: number) => Math.abs(x - e.sourceX) + Math.abs(x - e.targetX);
  if (candidates.length === 0) return Math.max(e.sourceX, e.targetX) + 120;
  const best = candidates.reduce((p, c) => (cost(c.x) < cost(p.x) ? c : p));
  // Several wires back up the same gap (DenseNet's concatenations) each get their own lane.
  const spread = best.x + best.away * LANE_STEP * (hash(`${e.source}>${e.target}`) % LANES);
  return free(spread) ? spread : best.x;
}

const LANE_STEP = 8;
const LANES = 5;
function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
