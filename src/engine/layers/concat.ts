/**
 * Concat — joins 2 to 8 inputs along the channel axis (C×H×W: H and W must match) or, for
 * vectors, along the features. Channels are the outermost per-sample axis, so each sample's
 * output is its inputs' flat blocks one after another: forward chains a two-block kernel
 * (concatenation is associative), backward slices each input's block out of the gradient.
 */
import { ShapeError } from '../graph/errors';
import type { LayerSpec } from './spec';
import { elementwise, type GeneratedKernel } from './conv-codegen';
import { size } from './spec';

/** Per sample: A values of `a`, then B values of `b` (generated: exact sample decode). */
function pairSource(grid: boolean, N: number, A: number, B: number): GeneratedKernel {
  return elementwise(grid, [['j', A + B]], [['n', N]], ['a', 'b'], [
    'let v = 0;',
    `if (j < ${A}) {`, `v = a[n * ${A} + j];`, '} else {', `v = b[n * ${B} + j - ${A}];`, '}',
    'return v;',
  ]);
}

/** Per sample: the B values at offset OFF of a gradient with S values per sample. */
function sliceSource(grid: boolean, N: number, S: number, OFF: number, B: number): GeneratedKernel {
  return elementwise(grid, [['j', B]], [['n', N]], ['dy'], [`return dy[n * ${S} + ${OFF} + j];`]);
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
      const pair = pairSource(ctx.grid === true, N, A, B);
      return ctx.kernel(pair.source, pair.size);
    });
    const S = size(ctx.outShape);
    let off = 0;
    const slices = sizes.map((B) => {
      const k = sliceSource(ctx.grid === true, N, S, off, B);
      const kern = ctx.kernel(k.source, k.size);
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
