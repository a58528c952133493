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
 * Element → channel decoding corrects each float quotient by its remainder (as maxpool2d.ts):
 * webgpu compiles `/` and `%` to f32 division, which can put ⌊i / n⌋ one low at a multiple of n.
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size as sizeOf } from './spec';
import { expectImage } from './geometry';

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

/** d[n,c,p] = k + alpha/size · Σ over the channel window of a². One thread per element. */
function lrnScale(this: KernelThis<LrnConsts>, a: KArr): number {
  const i = this.thread.x;
  let t = Math.floor(i / this.constants.HW);
  const r = i - t * this.constants.HW;
  if (r < 0) t -= 1;
  if (r >= this.constants.HW) t += 1;
  let c = t - Math.floor(t / this.constants.C) * this.constants.C;
  if (c < 0) c += this.constants.C;
  if (c >= this.constants.C) c -= this.constants.C;
  const base = i - c * this.constants.HW; // element (n, channel 0, p)
  let s = 0;
  for (let o = 0; o < this.constants.LO + this.constants.HI + 1; o++) {
    const cc = c - this.constants.LO + o;
    if (cc >= 0 && cc < this.constants.C) {
      const v = a[base + cc * this.constants.HW];
      s += v * v;
    }
  }
  return this.constants.k + this.constants.alphaOverSize * s;
}

function lrnForward(this: KernelThis<LrnConsts>, a: KArr, d: KArr): number {
  const i = this.thread.x;
  return a[i] * Math.pow(d[i], -this.constants.beta);
}

function lrnBackward(this: KernelThis<LrnConsts>, a: KArr, d: KArr, g: KArr): number {
  const i = this.thread.x;
  let t = Math.floor(i / this.constants.HW);
  const r = i - t * this.constants.HW;
  if (r < 0) t -= 1;
  if (r >= this.constants.HW) t += 1;
  let c = t - Math.floor(t / this.constants.C) * this.constants.C;
  if (c < 0) c += this.constants.C;
  if (c >= this.constants.C) c -= this.constants.C;
  const base = i - c * this.constants.HW;
  // channels whose window holds c: c − HI .. c + LO
  let s = 0;
  for (let o = 0; o < this.constants.LO + this.constants.HI + 1; o++) {
    const cc = c - this.constants.HI + o;
    if (cc >= 0 && cc < this.constants.C) {
      const j = base + cc * this.constants.HW;
      s += (g[j] * a[j]) / Math.pow(d[j], this.constants.beta + 1);
    }
  }
  return g[i] * Math.pow(d[i], -this.constants.beta) - 2 * this.constants.alphaOverSize * this.constants.beta * a[i] * s;
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
  // per element: a square and an add per channel in the window, scale, power, multiply
  flops: (_in, out, p) => (2 * p.size + 4) * sizeOf(out),
  compile(ctx, p) {
    const [C, H, W] = ctx.inShapes[0];
    const k: LrnConsts = {
      C, HW: H * W, LO: Math.floor(p.size / 2), HI: Math.floor((p.size - 1) / 2),
      alphaOverSize: p.alpha / p.size, beta: p.beta, k: p.k,
    };
    const n = ctx.batch * C * H * W;
    const scale = ctx.kernel(lrnScale, n, k);
    const fwd = ctx.kernel(lrnForward, n, k);
    const bwd = ctx.kernel(lrnBackward, n, k);
    return {
      forward: ({ inputs }) => {
        const d = scale(inputs[0]);
        return { output: fwd(inputs[0], d), saved: { scale: d } };
      },
      backward: ({ inputs, saved, gradOutput }) => ({ inputs: [bwd(inputs[0], saved.scale, gradOutput)], params: {} }),
    };
  },
};
