/**
 * Concat — joins 2 to 8 inputs along the channel axis (C×H×W: H and W must match) or, for
 * vectors, along the features. Channels are the outermost per-sample axis, so each sample's
 * output is its inputs' flat blocks one after another: forward chains a two-block kernel
 * (concatenation is associative), backward slices each input's block out of the gradient.
 */
import { ShapeError } from '../graph/errors';
import type { LayerSpec } from './spec';
import { elementwise, type Addressing, type GeneratedKernel } from './conv-codegen';
import { size } from './spec';

/**
 * A kernel over `values` per sample: `body(j, at)` sees the per-sample index `j` and `at(stride,
 * j)`, the offset of per-sample value j of a tensor with `stride` values per sample. On webasm's
 * grid: x = the sample's flat values, y = the sample, offsets in f32 (tensors stay under 2^24
 * there). With exact addressing (elsewhere) j is decoded as (channel, row, column) — (feature)
 * after Dense — so a grid row never gets too wide, and every offset is written inline in i32
 * (`int`: exact past 2^24, see EXACT_INDEX in conv-codegen.ts).
 */
type Layout = (values: number, params: string[], body: (j: string, at: (stride: number, j: string) => string) => string[]) => GeneratedKernel;

function layoutFor(a: Addressing, N: number, H: number, W: number): Layout {
  return (values, params, body) => {
    if (!a.exact) return elementwise(a.grid === true, [['j', values]], [['n', N]], params, body('j', (stride, j) => `n * ${stride} + ${j}`), a);
    const image = H * W > 1;
    const inner: [string, number][] = image ? [['w', W], ['h', H], ['r', values / (H * W)]] : [['r', values]];
    return elementwise(false, inner, [['n', N]], params, ({ int }) => {
      const j = image ? `((${int('r')} * ${H} + ${int('h')}) * ${W} + ${int('w')})` : int('r');
      return body(j, (stride, jj) => `${int('n')} * ${stride} + ${jj}`);
    }, a);
  };
}

/** Per sample: A values of `a`, then B values of `b` (generated: exact sample decode). */
function pairSource(layout: Layout, A: number, B: number): GeneratedKernel {
  return layout(A + B, ['a', 'b'], (j, at) => [
    'let v = 0;',
    `if (${j} < ${A}) {`, `v = a[${at(A, j)}];`, '} else {', `v = b[${at(B, `${j} - ${A}`)}];`, '}',
    'return v;',
  ]);
}

/** Per sample: the B values at offset OFF of a gradient with S values per sample. */
function sliceSource(layout: Layout, S: number, OFF: number, B: number): GeneratedKernel {
  return layout(B, ['dy'], (j, at) => [`return dy[${at(S, `${OFF} + ${j}`)}];`]);
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
  exactIndex: true,
  compile(ctx) {
    const sizes = ctx.inShapes.map((s) => size(s));
    const N = ctx.batch;
    // webasm: its fast grid (tensors under 2^24 there); elsewhere i32 offsets (exactIndex). Every
    // input's per-sample size is a whole number of channels of H × W (features: 1 × 1).
    const layout = layoutFor(ctx.grid === true ? { grid: true } : { exact: true }, N, ctx.outShape[1] ?? 1, ctx.outShape[2] ?? 1);
    // the k-th step joins the first k blocks (A values) with block k (B values)
    const joins = sizes.slice(1).map((B, k) => {
      const A = sizes.slice(0, k + 1).reduce((x, y) => x + y, 0);
      const pair = pairSource(layout, A, B);
      return ctx.kernel(pair.source, pair.size);
    });
    const S = size(ctx.outShape);
    let off = 0;
    const slices = sizes.map((B) => {
      const k = sliceSource(layout, S, off, B);
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
