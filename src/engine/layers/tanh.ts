/** Tanh — hyperbolic tangent; the gradient 1 − y² comes from the saved output. */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

/**
 * Written with exp(−2|x|) ≤ 1 rather than Math.tanh: the same formula on every backend, and no
 * inf/inf for large |x| where a naive (e^x − e^−x)/(e^x + e^−x) would overflow.
 */
function tanhForward(this: KernelThis, x: KArr): number {
  const v = x[this.thread.x];
  const e = Math.exp(-2 * Math.abs(v));
  let t = (1 - e) / (1 + e);
  if (v < 0) t = -t;
  return t;
}

function tanhBackward(this: KernelThis, y: KArr, dy: KArr): number {
  const i = this.thread.x;
  return dy[i] * (1 - y[i] * y[i]);
}

export const Tanh: LayerSpec<Record<string, never>> = {
  type: 'Tanh',
  label: 'Tanh',
  category: 'Activation',
  description: 'Hyperbolic tangent, squashing values into (−1, 1).',
  inputs: { min: 1, max: 1 },
  params: [],
  summary: () => '',
  outputShape: (inShapes) => inShapes[0],
  // exp, abs, two adds, divide per element
  flops: (_in, out) => 5 * size(out),
  compile(ctx) {
    const n = ctx.batch * size(ctx.outShape);
    const fwd = ctx.kernel(tanhForward, n);
    const bwd = ctx.kernel(tanhBackward, n);
    return {
      forward: ({ inputs }) => ({ output: fwd(inputs[0]) }),
      backward: ({ output, gradOutput }) => ({ inputs: [bwd(output, gradOutput)], params: {} }),
    };
  },
};
