/**
 * Seeds derived from a run's one seed, so every random choice in the data (which shape, which
 * crop, which order) depends only on the seed and *where* it is made (split, epoch, step,
 * sample) — never on what was read before. That is what lets a run resume mid-epoch, or a
 * sample be generated alone, and still be the same bit for bit.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x2545f491) >>> 0;
  for (const p of parts) {
    // murmur3's 32-bit mixing of each part into the running hash
    let k = Math.imul(p >>> 0, 0xcc9e2d51) >>> 0;
    k = ((k << 15) | (k >>> 17)) >>> 0;
    k = Math.imul(k, 0x1b873593) >>> 0;
    h ^= k;
    h = ((h << 13) | (h >>> 19)) >>> 0;
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
