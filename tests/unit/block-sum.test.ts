/** blockedSum's generated statements, run as plain JavaScript: every term once, no accumulator past SUM_BLOCK additions. */
import { describe, expect, it } from 'vitest';
import { SUM_BLOCK, blockedSum } from '../../src/engine/layers/block-sum';

/** Runs the statements with `seen[at]++` per term; counts the additions into each accumulator. */
function run(count: number, base: number): { seen: Uint8Array; sum: number; most: number } {
  const adds = new Map<string, number>();
  const lines = blockedSum('out', count, String(base), (at, acc) => [`seen[(${at}) - ${base}]++;`, `${acc} += 1;`]);
  // every `x += …` is an addition into x: count them per variable, per execution
  const counted = lines.map((l) => l.replace(/^(\w+) \+= (.*);$/, 'adds.set("$1", (adds.get("$1") ?? 0) + 1); $1 += $2;').replace(/^let (\w+) = 0;$/, 'let $1 = 0; most = Math.max(most, adds.get("$1") ?? 0); adds.set("$1", 0);'));
  const f = new Function('seen', 'adds', `let most = 0;\n${counted.join('\n')}\nfor (const v of adds.values()) most = Math.max(most, v);\nreturn [out, most];`);
  const seen = new Uint8Array(count);
  const [sum, most] = f(seen, adds) as [number, number];
  return { seen, sum, most };
}

describe('blockedSum', () => {
  for (const count of [1, 5, SUM_BLOCK - 1, SUM_BLOCK, SUM_BLOCK + 1, 263_169, SUM_BLOCK ** 2, SUM_BLOCK ** 2 + 1, 3 * SUM_BLOCK ** 2 + 5]) {
    it(`${count} terms: each once, at most ${SUM_BLOCK} additions into any accumulator`, () => {
      const r = run(count, 7);
      expect(r.sum).toBe(count);
      expect(r.seen.every((v) => v === 1)).toBe(true);
      expect(r.most).toBeLessThanOrEqual(SUM_BLOCK);
    });
  }
});
