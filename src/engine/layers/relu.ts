/** ReLU — max(x, 0); the gradient passes where the output is positive. */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

function reluForward(this: KernelThis, x: KArr): number {
  return Math.max(x[this.thread.x], 0);
}

function reluBackward(this: KernelThis, y: KArr, dy: KArr): number {
  const i = this.thread.x;
  let g = 0;
  if (y[i] > 0) g = dy[i];
  return g;
}

export const ReLU: LayerSpec<Record<string, never>> = {
  type: 'ReLU',
  label: 'ReLU',
  category: 'Activation',
  description: 'Rectified linear unit: max(x, 0).',
  inputs: { min: 1, max: 1 },
  params: [],
  summary: () => '',
  outputShape: (inShapes) => inShapes[0],
  flops: (_in, out) => size(out),
  compile(ctx) {
    const n = ctx.batch * size(ctx.outShape);
    const fwd = ctx.kernel(reluForward, n);
    const bwd = ctx.kernel(reluBackward, n);
    return {
      forward: ({ inputs }) => ({ output: fwd(inputs[0]) }),
      backward: ({ output, gradOutput }) => ({ inputs: [bwd(output, gradOutput)], params: {} }),
    };
  },
};
