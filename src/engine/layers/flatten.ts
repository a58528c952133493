/**
 * Flatten — C×H×W → [C·H·W]. NCHW is already flat row-major in C, H, W order, so the values do
 * not move: forward and backward are plain copies. (A pass-through handle would do in a network,
 * but a plan with no kernel step cannot run on its own, and the copy is one cheap pass.)
 * A vector input passes through unchanged, as PyTorch's `flatten(1)` does.
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

function copy(this: KernelThis, x: KArr): number {
  return x[this.thread.x];
}

export const Flatten: LayerSpec<Record<string, never>> = {
  type: 'Flatten',
  label: 'Flatten',
  category: 'Dense',
  description: 'Unrolls the image C×H×W into one vector (channel by channel, row by row) for Dense layers.',
  inputs: { min: 1, max: 1 },
  params: [],
  summary: () => '',
  outputShape: (inShapes) => [size(inShapes[0])],
  flops: () => 0,
  // the copy reads x[this.thread.x] inline (never through a `const`: f32), exact past 2^24
  exactIndex: true,
  compile(ctx) {
    const copyAll = ctx.kernel(copy, ctx.batch * size(ctx.outShape));
    return {
      forward: ({ inputs }) => ({ output: copyAll(inputs[0]) }),
      backward: ({ gradOutput, needInputGrad }) => ({ inputs: [needInputGrad[0] ? copyAll(gradOutput) : null], params: {} }),
    };
  },
};
