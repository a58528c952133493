/**
 * Dropout — inverted dropout: in training each value is kept where its uniform draw is ≥ rate
 * and scaled by 1/(1 − rate), so the expected activation is unchanged and inference is the
 * identity. The draws are made on the device by a counter-based generator keyed by (run seed,
 * step, this layer, element) — `random.mask` is the step's 4-value counter, not the draws — so
 * nothing is uploaded per step, every backend draws the same numbers and a resumed run repeats
 * exactly; backward recomputes the same mask for the gradient.
 */
import { uniformSource, saltOf } from './counter-random';
import { build } from './conv-codegen';
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

export interface DropoutParams {
  rate: number;
}

/**
 * Used for both directions: forward masks x, backward masks dy with the same draws. `exact` (off
 * webasm): the element index never sits in a variable whole (f32, inexact past 2^24) — its low 24
 * bits and the rest are taken with integer operators and the value is read at `this.thread.x`
 * inline (i32). On webasm tensors stay under 2^24 (limits.ts): the index as it is.
 */
function maskKernel(rate: number, salt: number, exact: boolean) {
  const index = exact ? ['const i = this.thread.x & 16777215;', 'const ih = this.thread.x >> 24;'] : ['const i = this.thread.x;'];
  return build(
    ['v', 'counter'],
    [
      ...index,
      ...uniformSource('u', 'counter', 'i', salt, exact ? 'ih' : undefined),
      'let y = 0;',
      `if (u >= ${rate}) y = v[${exact ? 'this.thread.x' : 'i'}] * ${1 / (1 - rate)};`,
      'return y;',
    ],
  );
}

/**
 * Inference and rate 0: the identity, as a copy. Passing the handle through would save the copy,
 * but a plan made only of pass-throughs (this layer run alone, or Input → Dropout in inference)
 * has no kernel for gpu.js to run, and it refuses such a plan.
 */
function copy(this: KernelThis, v: KArr): number {
  return v[this.thread.x];
}

export const Dropout: LayerSpec<DropoutParams> = {
  type: 'Dropout',
  label: 'Dropout',
  category: 'Regularisation',
  description: 'Randomly zeroes a fraction of the values during training (scaling the rest up to compensate); does nothing at inference.',
  inputs: { min: 1, max: 1 },
  params: [{ name: 'rate', label: 'Rate', kind: 'float', min: 0, max: 1, maxExclusive: true, default: 0.5, help: 'Fraction of values dropped in training, in [0, 1).' }],
  summary: (p) => `p ${p.rate}`,
  outputShape: (inShapes) => inShapes[0],
  flops: (_in, out) => size(out),
  randomInputs: (inShapes, _p, batch) => ({ mask: batch * size(inShapes[0]) }),
  // off webasm the element index is split with integer operators and read inline (maskKernel)
  exactIndex: true,
  compile(ctx, p) {
    const n = ctx.batch * size(ctx.outShape);
    // the rate as f32, as the draws are compared in f32 on the device (and in the cpu reference)
    const rate = Math.fround(p.rate);
    const mask = ctx.kernel(maskKernel(rate, saltOf(ctx.nodeId, 'mask'), ctx.grid !== true), n);
    const identity = ctx.kernel(copy, n);
    const active = (training: boolean) => training && p.rate > 0;
    return {
      forward: ({ inputs, random, training }) => ({ output: active(training) ? mask(inputs[0], random.mask) : identity(inputs[0]) }),
      backward: ({ random, gradOutput, training }) => ({ inputs: [active(training) ? mask(gradOutput, random.mask) : identity(gradOutput)], params: {} }),
    };
  },
};
