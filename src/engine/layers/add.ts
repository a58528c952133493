/**
 * Add — element-wise sum of 2 to 8 inputs of one shape (residual connections). Forward chains
 * one two-input kernel (a kernel's arity is fixed); the sum's gradient w.r.t. each input is the
 * output gradient itself, so backward hands the same buffer to every input.
 */
import { ShapeError } from '../graph/errors';
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

function addPair(this: KernelThis, a: KArr, b: KArr): number {
  return a[this.thread.x] + b[this.thread.x];
}

export const Add: LayerSpec<Record<string, never>> = {
  type: 'Add',
  label: 'Add',
  category: 'Merge',
  description: 'Adds its inputs element by element (e.g. a residual shortcut); all inputs must have one shape.',
  inputs: { min: 2, max: 8 },
  params: [],
  summary: () => '',
  outputShape(inShapes) {
    const first = inShapes[0].join('×');
    for (const s of inShapes.slice(1)) {
      if (s.join('×') !== first) throw new ShapeError(`inputs differ: ${first} vs ${s.join('×')}`, 'port');
    }
    return inShapes[0];
  },
  flops: (inShapes, out) => (inShapes.length - 1) * size(out),
  // the kernel reads a[this.thread.x] inline (never through a `const`: f32), exact past 2^24
  exactIndex: true,
  compile(ctx) {
    const add = ctx.kernel(addPair, ctx.batch * size(ctx.outShape));
    return {
      forward: ({ inputs }) => {
        let sum = add(inputs[0], inputs[1]);
        for (let k = 2; k < inputs.length; k++) sum = add(sum, inputs[k]);
        return { output: sum };
      },
      backward: ({ gradOutput, needInputGrad }) => ({ inputs: needInputGrad.map((need) => (need ? gradOutput : null)), params: {} }),
    };
  },
};
