/** LeakyReLU — x where x > 0, alpha·x elsewhere (PyTorch's negative_slope). */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

export interface LeakyReLUParams {
  alpha: number;
}

type LeakyConsts = { alpha: number };

function leakyForward(this: KernelThis<LeakyConsts>, x: KArr): number {
  const v = x[this.thread.x];
  let y = v;
  if (v <= 0) y = v * this.constants.alpha;
  return y;
}

/** Gradient from the input's sign (at exactly 0 PyTorch uses the negative slope, as here). */
function leakyBackward(this: KernelThis<LeakyConsts>, x: KArr, dy: KArr): number {
  const i = this.thread.x;
  let g = dy[i];
  if (x[i] <= 0) g = dy[i] * this.constants.alpha;
  return g;
}

export const LeakyReLU: LayerSpec<LeakyReLUParams> = {
  type: 'LeakyReLU',
  label: 'LeakyReLU',
  category: 'Activation',
  description: 'Leaky rectified linear unit: x for x > 0, alpha·x otherwise, so negative inputs keep a small gradient.',
  inputs: { min: 1, max: 1 },
  params: [{ name: 'alpha', label: 'Alpha', kind: 'float', min: 0, default: 0.01, help: 'Slope for negative inputs (PyTorch negative_slope).' }],
  summary: (p) => `α ${p.alpha}`,
  outputShape: (inShapes) => inShapes[0],
  flops: (_in, out) => size(out),
  compile(ctx, p) {
    const n = ctx.batch * size(ctx.outShape);
    const k: LeakyConsts = { alpha: p.alpha };
    const fwd = ctx.kernel(leakyForward, n, k);
    const bwd = ctx.kernel(leakyBackward, n, k);
    return {
      forward: ({ inputs }) => ({ output: fwd(inputs[0]) }),
      backward: ({ inputs, gradOutput }) => ({ inputs: [bwd(inputs[0], gradOutput)], params: {} }),
    };
  },
};
