/**
 * Dropout — inverted dropout: in training each value is kept where its uniform draw is ≥ rate
 * and scaled by 1/(1 − rate), so the expected activation is unchanged and inference is the
 * identity. The draws come from the engine's seeded generator (`random.mask`), so a run repeats
 * exactly on every backend; backward applies the same mask and scale to the gradient.
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

export interface DropoutParams {
  rate: number;
}

type DropoutConsts = { rate: number; scale: number };

/** Used for both directions: forward masks x, backward masks dy with the same draws. */
function applyMask(this: KernelThis<DropoutConsts>, v: KArr, draws: KArr): number {
  const i = this.thread.x;
  let y = 0;
  if (draws[i] >= this.constants.rate) y = v[i] * this.constants.scale;
  return y;
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
  compile(ctx, p) {
    const n = ctx.batch * size(ctx.outShape);
    const mask = ctx.kernel(applyMask, n, { rate: p.rate, scale: 1 / (1 - p.rate) });
    const identity = ctx.kernel(copy, n);
    const active = (training: boolean) => training && p.rate > 0;
    return {
      forward: ({ inputs, random, training }) => ({ output: active(training) ? mask(inputs[0], random.mask) : identity(inputs[0]) }),
      backward: ({ random, gradOutput, training }) => ({ inputs: [active(training) ? mask(gradOutput, random.mask) : identity(gradOutput)], params: {} }),
    };
  },
};
