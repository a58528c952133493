/**
 * Concat — joins 2 to 8 inputs along the channel axis (C×H×W: H and W must match) or, for
 * vectors, along the features. Channels are the outermost per-sample axis, so each sample's
 * output is its inputs' flat blocks one after another: forward chains a two-block kernel
 * (concatenation is associative), backward slices each input's block out of the gradient.
 */
import { ShapeError } from '../graph/errors';
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

/** Per sample: A values of `a`, then B values of `b`. */
function concatPair(this: KernelThis<{ A: number; B: number; S: number }>, a: KArr, b: KArr): number {
  const i = this.thread.x;
  // webgpu divides in f32 (up to 2.5 ulp off, seen: 189 / 189 → 0.99999994): the remainder
  // corrects the quotient
  let n = Math.floor(i / this.constants.S);
  let j = i - n * this.constants.S;
  if (j < 0) { n -= 1; j += this.constants.S; }
  if (j >= this.constants.S) { n += 1; j -= this.constants.S; }
  let v = 0;
  if (j < this.constants.A) {
    v = a[n * this.constants.A + j];
  } else {
    v = b[n * this.constants.B + j - this.constants.A];
  }
  return v;
}

/** Per sample: the B values at offset OFF of a gradient with S values per sample. */
function concatSlice(this: KernelThis<{ S: number; OFF: number; B: number }>, dy: KArr): number {
  const i = this.thread.x;
  let n = Math.floor(i / this.constants.B);
  let j = i - n * this.constants.B;
  if (j < 0) { n -= 1; j += this.constants.B; }
  if (j >= this.constants.B) { n += 1; j -= this.constants.B; }
  return dy[n * this.constants.S + this.constants.OFF + j];
}

export const Concat: LayerSpec<Record<string, never>> = {
  type: 'Concat',
  label: 'Concat',
  category: 'Merge',
  description: 'Stacks its inputs channel after channel (vectors: feature after feature); the other sizes must match.',
  inputs: { min: 2, max: 8 },
  params: [],
  summary: () => '',
  outputShape(inShapes) {
    const first = inShapes[0];
    for (const s of inShapes.slice(1)) {
      if (s.length !== first.length) {
        throw new ShapeError(`inputs differ in rank: cannot concatenate ${first.join('×')} with ${s.join('×')} (add a Flatten to the image)`, 'port');
      }
      if (s.slice(1).join('×') !== first.slice(1).join('×')) {
        throw new ShapeError(`inputs differ in height×width: ${first.join('×')} vs ${s.join('×')} (only channels may differ)`, 'port');
      }
    }
    return [inShapes.reduce((c, s) => c + s[0], 0), ...first.slice(1)];
  },
  flops: () => 0,
  compile(ctx) {
    const sizes = ctx.inShapes.map((s) => size(s));
    const N = ctx.batch;
    // the k-th step joins the first k blocks (A values) with block k (B values)
    const joins = sizes.slice(1).map((B, k) => {
      const A = sizes.slice(0, k + 1).reduce((x, y) => x + y, 0);
      return ctx.kernel(concatPair, N * (A + B), { A, B, S: A + B });
    });
    const S = size(ctx.outShape);
    let off = 0;
    const slices = sizes.map((B) => {
      const kern = ctx.kernel(concatSlice, N * B, { S, OFF: off, B });
      off += B;
      return kern;
    });
    return {
      forward: ({ inputs }) => {
        let out = inputs[0];
        joins.forEach((join, k) => (out = join(out, inputs[k + 1])));
        return { output: out };
      },
      backward: ({ gradOutput, needInputGrad }) => ({ inputs: slices.map((slice, k) => (needInputGrad[k] ? slice(gradOutput) : null)), params: {} }),
    };
  },
};
