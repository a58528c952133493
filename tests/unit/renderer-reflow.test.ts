/**
 * Reflow after a node grows (src/renderer/canvas/reflow.ts) and the lane a back-up wire runs in
 * (src/renderer/canvas/backRoute.ts): pure geometry.
 */
import { describe, expect, it } from 'vitest';
import { backRoute, needsBackRoute } from '../../src/renderer/canvas/backRoute';
import { REFLOW_GAP, reflowBelow } from '../../src/renderer/canvas/reflow';

const card = (id: string, x: number, y: number, height = 80) => ({ id, x, y, width: 224, height });

describe('reflow after a node grows', () => {
  it('moves the node it now overlaps down, and the ones below that in turn', () => {
    const moved = reflowBelow([card('a', 0, 0, 200), card('b', 0, 136), card('c', 0, 272), card('side', 300, 136)], ['a']);
    expect(moved.b).toEqual({ x: 0, y: 200 + REFLOW_GAP });
    expect(moved.c).toEqual({ x: 0, y: 200 + REFLOW_GAP + 80 + REFLOW_GAP });
    expect(moved.side).toBeUndefined(); // beside it, not below
  });

  it('moves nothing when the grown node still clears its neighbours', () => {
    expect(reflowBelow([card('a', 0, 0, 100), card('b', 0, 136), card('above', 0, -200)], ['a'])).toEqual({});
  });
});

describe('a wire going back up', () => {
  const rect = (id: string, x: number, y: number) => ({ id, internals: { positionAbsolute: { x, y } }, measured: { width: 224, height: 80 } });

  it('is recognised by its ends', () => {
    expect(needsBackRoute(500, 20)).toBe(true);
    expect(needsBackRoute(100, 160)).toBe(false);
    expect(needsBackRoute(100, 110)).toBe(false); // a short gap is still a forward wire
  });

  it('runs in the gap between two columns, clear of both', () => {
    // column 1 at x 0..224 (source at its bottom), column 2 at x 364..588 (target at its top)
    const nodes = [rect('s', 0, 400), rect('mid1', 0, 200), rect('t', 364, 0), rect('mid2', 364, 200)];
    const x = backRoute(nodes, { source: 's', target: 't', sourceX: 112, sourceY: 480, targetX: 476, targetY: 0 });
    expect(x).toBeGreaterThanOrEqual(224 + 20);
    expect(x).toBeLessThanOrEqual(364 - 20);
  });

  it('gives wires backing up the same gap lanes of their own, all clear of the nodes', () => {
    const nodes = [rect('s', 0, 400), rect('mid1', 0, 200), rect('t', 364, 0), rect('mid2', 364, 200)];
    const lanes = ['a', 'b', 'c', 'd', 'e', 'f'].map((source) => backRoute(nodes, { source, target: 't', sourceX: 112, sourceY: 480, targetX: 476, targetY: 0 }));
    expect(new Set(lanes).size).toBeGreaterThan(1);
    for (const x of lanes) expect(x >= 244 && x <= 344, String(x)).toBe(true);
  });

  it('picks the lane the plain quadratic search picks (random columns of blocks, wires up and across)', () => {
    // the definition: a lane is free when outside every block's span widened by 20 px
    const reference = (nodes: ReturnType<typeof rect>[], e: Parameters<typeof backRoute>[1]): number => {
      const blocks = nodes.filter((n) => !(n.internals.positionAbsolute.y + 80 < e.targetY - 18 || n.internals.positionAbsolute.y > e.sourceY + 18)).map((n): [number, number] => [n.internals.positionAbsolute.x - 20, n.internals.positionAbsolute.x + 244]);
      const free = (x: number) => blocks.every(([a, b]) => x <= a || x >= b);
      const candidates = [{ x: (e.sourceX + e.targetX) / 2, away: 1 }, ...blocks.flatMap(([a, b]) => [{ x: a, away: -1 }, { x: b, away: 1 }])].filter((c) => free(c.x));
      const cost = (x: number) => Math.abs(x - e.sourceX) + Math.abs(x - e.targetX);
      if (candidates.length === 0) return Math.max(e.sourceX, e.targetX) + 120;
      const best = candidates.reduce((p, c) => (cost(c.x) < cost(p.x) ? c : p));
      let h = 0;
      for (const ch of `${e.source}>${e.target}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
      const spread = best.x + best.away * 8 * (h % 5);
      return free(spread) ? spread : best.x;
    };
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 200; trial++) {
      // columns 364 px apart (some nudged into each other), blocks at random heights
      const nodes = Array.from({ length: 5 + Math.floor(rnd() * 40) }, (_, i) => rect(`n${i}`, Math.floor(rnd() * 5) * 364 + Math.floor(rnd() * 3) * 60 - 60, Math.floor(rnd() * 2000)));
      const e = { source: `n${trial % nodes.length}`, target: 't', sourceX: rnd() * 1800, sourceY: 200 + rnd() * 1800, targetX: rnd() * 1800, targetY: rnd() * 200 };
      expect(backRoute(nodes, e), `trial ${trial}`).toBe(reference(nodes, e));
    }
  });
});
