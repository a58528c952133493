/** Deterministic test data. */
import { Rng } from '../../src/engine/util/rng';

export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r.random() * 2 - 1) * scale;
  return a;
}
