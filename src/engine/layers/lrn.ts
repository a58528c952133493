/**
 * LRN — local response normalisation across channels, as PyTorch's LocalResponseNorm (and
 * AlexNet, with k = 2): each value is divided by a power of the summed squares of its
 * neighbouring channels at the same pixel,
 *
 *   d_c = k + alpha/size · Σ_{c' = c − ⌊size/2⌋ .. c + ⌊(size − 1)/2⌋} a_{c'}²   (zero outside 0..C−1)
 *   b_c = a_c · d_c^(−beta)
 *
 * Backward: a_j appears in its own d_j and in every d_c whose window holds j, i.e.
 * c = j − ⌊(size − 1)/2⌋ .. j + ⌊size/2⌋, so
 *   ∂L/∂a_j = g_j · d_j^(−β) − (2·alpha·beta/size) · a_j · Σ_c g_c · a_c · d_c^(−β−1).
 *
 * The window kernels are generated (exact channel decode: webgpu's `/` is f32 division, which
 * can put ⌊i / n⌋ one low at a multiple of n).
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size as sizeOf } from './spec';
import { expectImage } from './geometry';
import { elementwise, type Addressing, type GeneratedKernel } from './conv-codegen';

export interface LRNParams {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

type LrnConsts = {
  C: number; HW: number;
  /** Window reach below and above the channel: ⌊size/2⌋ and ⌊(size − 1)/2⌋. */
  LO: number; HI: number;
  alphaOverSize: number; beta: number; k: number;
};

/**
 * The generated kernels (conv-codegen.ts: exact channel decode): each thread walks the channel
 * window at its pixel, skipping channels outside 0..C−1; `body(j)` reads channel cc's value at
 * offset `j`, `result(i)` the thread's own element at `i`. On webasm's grid the channel is in y
 * (offsets in f32: tensors stay under 2^24 there). With exact addressing (elsewhere) the pixel and
 * the channel are decoded on a 2-D grid and every offset is written inline in i32, exact past 2^24
 * (EXACT_INDEX in conv-codegen.ts).
 */
function windowSource(a: Addressing, N: number, C: number, H: number, W: number, params: string[], from: number, body: (j: string) => string[], result: (i: string) => string): GeneratedKernel {
  const HW = H * W;
  const window = (j: string, pre: string[] = []) => [
    'let s = 0;',
    'for (let o = 0; o < this.constants.LO + this.constants.HI + 1; o++) {',
    `const cc = c - ${from} + o;`,
    `if (cc >= 0 && cc < ${C}) {`,
    ...pre,
    ...body(j),
    '}',
    '}',
  ];
  if (!a.exact) {
    // element (n, channel 0, p) at base; channel cc at base + cc·HW
    return elementwise(a.grid === true, [['p', HW]], [['c', C], ['n', N]], params, [`const base = i - c * ${HW};`, ...window('j', [`const j = base + cc * ${HW};`]), result('i')]);
  }
  return elementwise(false, [['w', W], ['h', H], ['c', C]], [['n', N]], params, ({ I, int }) => [
    ...window(`(${int('n')} * ${C} + ${int('cc')}) * ${HW} + ${int('h')} * ${W} + ${int('w')}`),
    result(I),
  ], a);
}

/** d[n,c,p] = k + alpha/size · Σ over the channel window of a². */
function scaleSource(a: Addressing, N: number, C: number, H: number, W: number, LO: number): GeneratedKernel {
  return windowSource(a, N, C, H, W, ['a'], LO, (j) => [`s += a[${j}] * a[${j}];`], () => 'return this.constants.k + this.constants.alphaOverSize * s;');
}

/** ∂L/∂a = g·d^(−β) − (2·alpha·beta/size)·a·Σ_c g_c·a_c·d_c^(−β−1) over the channels whose window holds c. */
function backwardSource(a: Addressing, N: number, C: number, H: number, W: number, HI: number): GeneratedKernel {
  return windowSource(
    a, N, C, H, W, ['a', 'd', 'g'], HI,
    (j) => [`s += (g[${j}] * a[${j}]) / Math.pow(d[${j}], this.constants.beta + 1);`],
    (i) => `return g[${i}] * Math.pow(d[${i}], -this.constants.beta) - 2 * this.constants.alphaOverSize * this.constants.beta * a[${i}] * s;`,
  );
}

/** b = a·d^(−β); the thread id inline, never in a variable (f32): exact past 2^24. */
function lrnForward(this: KernelThis<LrnConsts>, a: KArr, d: KArr): number {
  return a[this.thread.x] * Math.pow(d[this.thread.x], -this.constants.beta);
}

export const LRN: LayerSpec<LRNParams> = {
  type: 'LRN',
  label: 'LRN',
  category: 'Normalisation',
  description: 'Local response normalisation (AlexNet): divides each value by a power of the summed squares of neighbouring channels at the same pixel.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'size', label: 'Size', kind: 'int', min: 1, max: 1024, default: 5, help: 'How many neighbouring channels (including itself) enter the sum.' },
    { name: 'alpha', label: 'Alpha', kind: 'float', min: 0, default: 1e-4, help: 'Scale of the summed squares (divided by size, as PyTorch).' },
    { name: 'beta', label: 'Beta', kind: 'float', min: 0, default: 0.75, help: 'Exponent of the divisor.' },
    { name: 'k', label: 'k', kind: 'float', min: 0, minExclusive: true, default: 1, help: 'Additive constant in the divisor (PyTorch k; AlexNet uses 2). Positive, so the divisor never reaches 0.' },
  ],
  summary: (p) => `n${p.size}, k${p.k}`,
  outputShape(inShapes) {
    expectImage(inShapes[0], 'LRN');
    return inShapes[0];
  },
  exactIndex: true,
  // per element: a square and an add per channel in the window, scale, power, multiply
  flops: (_in, out, p) => (2 * p.size + 4) * sizeOf(out),
  compile(ctx, p) {
    const [C, H, W] = ctx.inShapes[0];
    const k: LrnConsts = {
      C, HW: H * W, LO: Math.floor(p.size / 2), HI: Math.floor((p.size - 1) / 2),
      alphaOverSize: p.alpha / p.size, beta: p.beta, k: p.k,
    };
    const n = ctx.batch * C * H * W;
    // webasm: its fast grid (tensors under 2^24 there); elsewhere i32 offsets (exactIndex)
    const a: Addressing = ctx.grid === true ? { grid: true } : { exact: true };
    const sc = scaleSource(a, ctx.batch, C, H, W, k.LO);
    const scale = ctx.kernel(sc.source, sc.size, k);
    const fwd = ctx.kernel(lrnForward, n, k);
    const bs = backwardSource(a, ctx.batch, C, H, W, k.HI);
    const bwd = ctx.kernel(bs.source, bs.size, k);
    return {
      forward: ({ inputs }) => {
        const d = scale(inputs[0]);
        return { output: fwd(inputs[0], d), saved: { scale: d } };
      },
      backward: ({ inputs, saved, gradOutput }) => ({ inputs: [bwd(inputs[0], saved.scale, gradOutput)], params: {} }),
    };
  },
};
