/**
 * Randomness drawn on the device: a counter-based generator keyed by (seed, step, salt, element),
 * so a kernel computes its own uniform draws and nothing is uploaded per step. Every backend draws
 * the same numbers — cpu (doubles), webasm and webgpu (f32) alike — and a resumed run repeats
 * exactly, because the draw depends only on where it is made, never on what was drawn before.
 *
 * gpu.js hands kernels f32 numbers only (integers decay to f32, and SwiftShader's f32 division is
 * inexact), so the hash is integer arithmetic on 12-bit limbs that stays exact in f32: every
 * product is < 2^24, every reduction mod 4096 multiplies by 2^-12 (exact), floors, and corrects the
 * quotient by one as `exactDiv` does. A 24-bit state (hi, lo) goes through six rounds of
 * multiply-by-odd-constant mod 2^24, a nonlinear fold (lo² into hi) and a limb swap with the key
 * added — a multiply-rotate hash in the spirit of PCG/Philox, sized to what f32 holds exactly.
 *
 * The generated statements are the one definition: kernels inline them (gpu.js cannot call helpers)
 * and the JavaScript reference below evaluates the very same text.
 */

/** The per-step counter a kernel receives: [seedHi, seedLo, stepHi, stepLo] (12-bit limbs). */
export const COUNTER_SIZE = 4;

const LIMB = 4096;
/** 2^24: elements below it are their own index; past it the rest goes to `high` (uniformSource). */
const EXACT_INDEX = LIMB * LIMB;
/** Odd 24-bit multiplier (the golden ratio's first 24 bits), as 12-bit limbs. */
const MH = 0x9e3;
const ML = 0x779;

/** Per-call counter for step `step` of a run keyed by `seed` (both taken mod 2^24). */
export function stepCounter(seed: number, step: number): Float32Array {
  const s = (seed >>> 0) % (LIMB * LIMB);
  const t = (step >>> 0) % (LIMB * LIMB);
  return Float32Array.from([Math.floor(s / LIMB), s % LIMB, Math.floor(t / LIMB), t % LIMB]);
}

/** A 12-bit salt that keeps the streams of different layers (and draws) of one network apart. */
export function saltOf(nodeId: string, name: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${nodeId}.${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h ^ (h >>> 12) ^ (h >>> 24)) % LIMB;
}

/** `name = value mod 4096` (and `<name>c` = the quotient) for an integer value in [0, 2^24), exact in f32. */
function mod(lines: string[], name: string, value: string): void {
  const v = `${name}v`;
  lines.push(`const ${v} = ${value};`);
  lines.push(`let ${v}q = Math.floor(${v} * 0.000244140625);`);
  lines.push(`const ${v}r = ${v} - ${v}q * ${LIMB};`);
  lines.push(`if (${v}r >= ${LIMB}) ${v}q = ${v}q + 1;`);
  lines.push(`if (${v}r < 0) ${v}q = ${v}q - 1;`);
  lines.push(`const ${name} = ${v} - ${v}q * ${LIMB};`);
  lines.push(`const ${name}c = ${v}q;`);
}

/**
 * Statements that define `<out>` as a uniform draw in [0, 1) (24 bits, exact in f32) for element
 * `index` (an integer expression < 2^24) under `counter` (the name of a 4-value array argument)
 * with a literal `salt`. Each call site must use a distinct `out` name. An element past 2^24 passes
 * its low 24 bits as `index` and the rest as `high` (an expression): it joins the first round's
 * key, so element i + 2^24 draws apart from element i (and high 0 draws what no `high` draws).
 */
export function uniformSource(out: string, counter: string, index: string, salt: number, high?: string): string[] {
  const lines: string[] = [];
  const p = out;
  mod(lines, `${p}il`, index);
  // state = element (hi limb salted), key = seed; the step joins after the first round
  let h = `${p}h0`;
  let l = `${p}l0`;
  mod(lines, h, `${p}ilc + ${salt}`);
  lines.push(`const ${l} = ${p}il;`);
  const keys: [string, string][] = [
    [high === undefined ? `${counter}[0]` : `${counter}[0] + ${high}`, `${counter}[1]`],
    [`${counter}[2]`, `${counter}[3]`],
    [`${counter}[1]`, `${counter}[0]`],
    [`${counter}[3]`, `${counter}[2]`],
    [`${counter}[0]`, `${counter}[3]`],
    [`${counter}[2]`, `${counter}[1]`],
  ];
  keys.forEach(([kh, kl], r) => {
    const q = `${p}r${r}`;
    // (h, l) · M mod 2^24
    mod(lines, `${q}a`, `${l} * ${ML}`);
    mod(lines, `${q}b`, `${h} * ${ML}`);
    mod(lines, `${q}d`, `${l} * ${MH}`);
    mod(lines, `${q}m`, `${q}b + ${q}d + ${q}ac`);
    // nonlinear fold: the high half of lo² into the high limb
    mod(lines, `${q}s`, `${q}a * ${q}a`);
    mod(lines, `${q}n`, `${q}m + ${q}sc`);
    // swap the limbs (rotate by 12 bits) and add the round key
    mod(lines, `${q}h`, `${q}a + ${kh}`);
    mod(lines, `${q}l`, `${q}n + ${kl}`);
    h = `${q}h`;
    l = `${q}l`;
  });
  lines.push(`const ${out} = (${h} * ${LIMB} + ${l}) * 0.000000059604644775390625;`);
  return lines;
}

const referenceBySalt = new Map<number, (counter: ArrayLike<number>, i: number, high: number) => number>();

/** The JavaScript reference: the same statements, evaluated for element `i` (what a kernel draws). */
export function counterUniform(counter: ArrayLike<number>, salt: number, i: number): number {
  let f = referenceBySalt.get(salt);
  if (!f) {
    f = new Function('counter', 'i', 'h', [...uniformSource('u', 'counter', 'i', salt, 'h'), 'return u;'].join('\n')) as (c: ArrayLike<number>, i: number, high: number) => number;
    referenceBySalt.set(salt, f);
  }
  return f(counter, i % EXACT_INDEX, Math.floor(i / EXACT_INDEX));
}

/** The `n` draws a layer's random input `name` on node `nodeId` makes for `counter`. */
export function counterUniforms(counter: ArrayLike<number>, nodeId: string, name: string, n: number): Float32Array {
  const salt = saltOf(nodeId, name);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = counterUniform(counter, salt, i);
  return out;
}
