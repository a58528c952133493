/**
 * Long sums in generated kernels, in f32 without drift: terms go in blocks of SUM_BLOCK, the
 * blocks in blocks of SUM_BLOCK, and so on, so no accumulator takes more than SUM_BLOCK
 * additions. One f32 running sum over millions of values loses digits in every late addition
 * (measured on webasm: 2.2e-4 of a mean of 500 over 263,169 values), and even blocks of 1,024
 * summed into one total drift once there are thousands of blocks (1.6e-5 over 64 × 224 × 224).
 */

/** Most additions into one accumulator. */
export const SUM_BLOCK = 1024;

/**
 * Statements that leave Σ_{i < count} term(i) in a new `let` named `out`. `body(at, acc)` gives the
 * statements that add term `at` (an i32 expression: `base` plus loop counters times literals, so
 * exact past 2^24 on webgpu) into the accumulator `acc`. `name` keeps variable names apart when a
 * kernel sums more than once.
 */
export function blockedSum(out: string, count: number, base: string, body: (at: string, acc: string) => string[], name = 'q'): string[] {
  let level = 0;
  while (SUM_BLOCK ** (level + 1) < count) level++;
  let serial = 0;
  const L: string[] = [];
  // Σ over `n` terms from `from` (an expression) into a new variable `acc`, at `lv` levels of blocks
  const gen = (acc: string, n: number, from: string, lv: number): void => {
    L.push(`let ${acc} = 0;`);
    const i = `${name}i${serial++}`;
    if (lv === 0) {
      L.push(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`, ...body(`${from} + ${i}`, acc), '}');
      return;
    }
    const size = SUM_BLOCK ** lv;
    const blocks = Math.floor(n / size);
    if (blocks > 0) {
      const inner = `${name}s${serial++}`;
      L.push(`for (let ${i} = 0; ${i} < ${blocks}; ${i}++) {`);
      gen(inner, size, `${from} + ${i} * ${size}`, lv - 1);
      L.push(`${acc} += ${inner};`, '}');
    }
    if (n > blocks * size) {
      const inner = `${name}s${serial++}`;
      gen(inner, n - blocks * size, `${from} + ${blocks * size}`, lv - 1);
      L.push(`${acc} += ${inner};`);
    }
  };
  gen(out, count, base, level);
  return L;
}
