/**
 * Seeded mutation of JSON-like values for the fuzz tests: pick a spot anywhere in the tree and
 * delete it, replace it with an awkward value, nudge a number, or add a key (including
 * "__proto__"), the way a hand-edited or half-written file goes wrong.
 */
import type { Rng } from '../../src/engine/util/rng';

/** Values that break careless code: wrong types, non-finite numbers, extremes, empties. */
export const AWKWARD: readonly unknown[] = [
  null, undefined, true, false, 0, -0, -1, 1, 0.5, -2.5, 3, 7, 1e9, 2 ** 31, 2 ** 53, -1e308, 1e308, 1e-320,
  NaN, Infinity, -Infinity, '', 'x', '1', 'NaN', 'same', 'valid', 'Input', 'Conv2D', '__proto__',
  [], [0], [1, 1], [3, 3], [-1, 2], [1, 28, 28], [1, 2, 3, 4], [[1]], {}, { a: 1 }, { x: 1, y: 2 },
];

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

export function clone<T>(v: T): T {
  // structuredClone keeps NaN, Infinity and undefined (a JSON round trip would not).
  return structuredClone(v);
}

type Container = Record<string, unknown> | unknown[];
type Spot = { parent: Container; key: string | number };

function spots(v: unknown, out: Spot[], depth = 0): Spot[] {
  if (depth > 12 || typeof v !== 'object' || v === null) return out;
  const c = v as Container;
  const keys = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
  // Long arrays (tensor data) are sampled, so the tree stays cheap to walk.
  const chosen = keys.length > 16 ? [0, 1, keys.length - 1, keys.length >> 1] : keys;
  for (const k of chosen) {
    out.push({ parent: c, key: k });
    spots((c as Record<string | number, unknown>)[k], out, depth + 1);
  }
  return out;
}

function nudge(rng: Rng, x: number): unknown {
  return pick(rng, [x + 1, x - 1, -x, x * 2, x / 2, x + 0.5, 0, x * 1e6, NaN, String(x)]);
}

/** One mutation, in place; the root itself is replaced when there is nowhere inside to mutate. */
function mutateOnce(root: { v: unknown }, rng: Rng): void {
  const all = spots(root.v, []);
  if (all.length === 0 || rng.random() < 0.02) {
    root.v = pick(rng, AWKWARD);
    return;
  }
  const { parent, key } = pick(rng, all);
  const p = parent as Record<string | number, unknown>;
  const cur = p[key];
  const op = rng.int(6);
  if (op === 0) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete p[key];
  } else if (op === 1) {
    p[key] = clone(pick(rng, AWKWARD));
  } else if (op === 2 && typeof cur === 'number') {
    p[key] = nudge(rng, cur);
  } else if (op === 3 && Array.isArray(parent)) {
    parent.splice(key as number, 0, clone(cur));
  } else if (op === 4 && !Array.isArray(parent)) {
    const name = pick(rng, ['__proto__', 'constructor', 'extra', 'x', String(key).toUpperCase(), `${String(key)}s`]);
    Object.defineProperty(p, name, { value: clone(pick(rng, AWKWARD)), enumerable: true, configurable: true, writable: true });
  } else if (op === 5 && typeof cur === 'object' && cur !== null) {
    p[key] = Array.isArray(cur) ? { ...cur } : Object.values(cur);
  } else {
    p[key] = clone(pick(rng, AWKWARD));
  }
}

/** A mutated deep copy of `v`: 1 to 3 mutations. */
export function mutate(v: unknown, rng: Rng): unknown {
  const root = { v: clone(v) };
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) mutateOnce(root, rng);
  return root.v;
}

/** Runs `body` `iterations` times with a fresh seeded case each; returns the slowest case in ms. */
export function timedLoop(iterations: number, body: (i: number) => void): { slowestMs: number; slowestAt: number } {
  let slowestMs = 0;
  let slowestAt = -1;
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    body(i);
    const ms = performance.now() - t;
    if (ms > slowestMs) {
      slowestMs = ms;
      slowestAt = i;
    }
  }
  return { slowestMs, slowestAt };
}
