/** Sigmoid — 1 / (1 + e^−x); the gradient y·(1 − y) comes from the saved output. */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

function sigmoidForward(this: KernelThis, x: KArr): number {
  return 1 / (1 + Math.exp(-x[this.thread.x]));
}

function sigmoidBackward(this: KernelThis, y: KArr, dy: KArr): number {
  const i = this.thread.x;
  return dy[i] * y[i] * (1 - y[i]);
}

export const Sigmoid: LayerSpec<Record<string, never>> = {
  type: 'Sigmoid',
  label: 'Sigmoid',
  category: 'Activation',
  description: 'Logistic sigmoid: 1 / (1 + e^−x), squashing values into (0, 1).',
  inputs: { min: 1, max: 1 },
  params: [],
  summary: () => '',
  outputShape: (inShapes) => inShapes[0],
  // exp, add, divide per element
  flops: (_in, out) => 3 * size(out),
  compile(ctx) {
    const n = ctx.batch * size(ctx.outShape);
    const fwd = ctx.kernel(sigmoidForward, n);
    const bwd = ctx.kernel(sigmoidBackward, n);
    return {
      forward: ({ inputs }) => ({ output: fwd(inputs[0]) }),
      backward: ({ output, gradOutput }) => ({ inputs: [bwd(output, gradOutput)], params: {} }),
    };
  },
};
