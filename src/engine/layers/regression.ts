/**
 * Regression — identity output trained with mean squared error, averaged over every element of
 * the batch (PyTorch's MSELoss with reduction 'mean'), so the loss does not grow with the
 * output size.
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';
import { build, type KernelSource } from './conv-codegen';
import { blockedSum } from './block-sum';

type MseConsts = { count: number };

/**
 * mean of (z − y)² over all `count` elements. One thread; offsets from the loop counters and
 * literals (i32 in gpu.js: exact at any size). The squared errors go in blocks (blockedSum): one
 * f32 running sum over 525,000 of them (~10^4 each) was 2.3e-4 off on webasm.
 */
function mseLossSource(count: number): KernelSource {
  const term = (at: string, acc: string) => [`const d = z[${at}] - y[${at}];`, `${acc} += d * d;`];
  return build(['z', 'y'], [...blockedSum('total', count, '0', term), `return total / ${count};`]);
}

/** dL/dz = 2 (z − y) / count; the thread id inline, never in a variable (f32): exact past 2^24. */
function mseGrad(this: KernelThis<MseConsts>, z: KArr, y: KArr): number {
  return (2 * (z[this.thread.x] - y[this.thread.x])) / this.constants.count;
}

export const Regression: LayerSpec<Record<string, never>> = {
  type: 'Regression',
  label: 'Regression',
  category: 'Output',
  description: 'Regression output: passes values through unchanged; trained with mean squared error against targets of the same shape.',
  inputs: { min: 1, max: 1 },
  params: [],
  summary: () => 'MSE',
  outputShape: (inShapes) => inShapes[0],
  flops: () => 0,
  output: { targets: 'same', lossName: 'mean squared error' },
  // the loss reads z[i] with i a loop counter, the gradient z[this.thread.x]: both i32, exact past 2^24
  exactIndex: true,
  compile(ctx) {
    const k: MseConsts = { count: ctx.batch * size(ctx.outShape) };
    const loss = ctx.kernel(mseLossSource(k.count), 1);
    const grad = ctx.kernel(mseGrad, k.count, k);
    return {
      // the output is the input handle itself (plans pass handles through, as Input does)
      forward: ({ inputs }) => ({ output: inputs[0] }),
      loss: ({ input, targets }) => ({ loss: loss(input, targets), gradInput: grad(input, targets) }),
    };
  },
};
