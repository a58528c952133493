/**
 * Checking a layer past 2^24 values (EXACT_INDEX in layers/conv-codegen.ts) without comparing
 * every element: a few hundred positions spread over the whole tensor, the ones around 2^24
 * and the last ones — where an index held in an f32 variable would round to a neighbour.
 */
import { EXACT_INDEX } from '../../src/engine/layers/conv-codegen';
import { Rng } from '../../src/engine/util/rng';

/** Sorted distinct positions in [0, n): `spread` seeded ones, plus the edges of 2^24 and of the end. */
export function samplePositions(n: number, spread = 200, seed = 24): number[] {
  const rng = new Rng(seed);
  const at = new Set<number>();
  for (let k = 0; k < spread; k++) at.add(rng.int(n));
  // past 2^24 the f32 neighbours are 2 apart: odd positions there are the ones that round
  if (n > EXACT_INDEX) for (let k = 0; k < spread / 2; k++) at.add(EXACT_INDEX + rng.int(n - EXACT_INDEX));
  for (const p of [0, EXACT_INDEX - 2, EXACT_INDEX - 1, EXACT_INDEX, EXACT_INDEX + 1, EXACT_INDEX + 3, n - 3, n - 2, n - 1]) {
    if (p >= 0 && p < n) at.add(p);
  }
  return [...at].sort((a, b) => a - b);
}

/** A value pattern whose neighbours always differ and whose sums stay exact in f32: small integers. */
export const pattern = (i: number, mul = 7, mod = 13): number => ((i * mul) % mod) - (mod >> 1);

/**
 * Compare `got` with `want(i)` at `positions`, within `tolerance` relative to |want| or to `scale`
 * (the values' typical size), whichever is larger; returns the first mismatch as a message, or null.
 */
export function firstMismatch(name: string, got: Float32Array, want: (i: number) => number, positions: number[], tolerance: number, scale = 1): string | null {
  for (const i of positions) {
    const w = want(i);
    if (!(Math.abs(got[i] - w) <= tolerance * Math.max(scale, Math.abs(w)))) return `${name}[${i.toLocaleString('en-US')}] = ${got[i]}, expected ${w}`;
  }
  return null;
}
