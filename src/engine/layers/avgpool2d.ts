/**
 * AvgPool2D — the mean of each window, per channel. Padded cells count as zeros and the divisor
 * is always the full window KH·KW (PyTorch's default, count_include_pad=True), so backward
 * spreads each output's gradient evenly, 1/(KH·KW) to every real cell of its window.
 *
 * The kernels are generated (pool-window.ts), as max pooling's.
 */
import type { LayerSpec } from './spec';
import { POOL_PARAMS, poolBackwardSource, poolConsts, poolForwardSource, poolGeometry, poolSummary, type PoolParams } from './pool-window';

export const AvgPool2D: LayerSpec<PoolParams> = {
  type: 'AvgPool2D',
  label: 'AvgPool2D',
  category: 'Pooling',
  description: 'Averages each window, per channel (padding counts as zeros in the average).',
  inputs: { min: 1, max: 1 },
  params: POOL_PARAMS,
  summary: poolSummary,
  outputShape(inShapes, p) {
    const g = poolGeometry('AvgPool2D', inShapes[0], p);
    return [g.C, g.oh, g.ow];
  },
  // one add per window cell (the divide is folded in)
  flops: (_in, out, p) => out[0] * out[1] * out[2] * p.poolSize[0] * p.poolSize[1],
  exactIndex: true,
  compile(ctx, p) {
    const k = poolConsts(ctx.inShapes[0], p, 'AvgPool2D');
    const planes = ctx.batch * k.C;
    // webasm: its fast grid; elsewhere exact i32 offsets (tensors past 2^24)
    const addr = ctx.grid === true ? { grid: true } : { exact: true };
    const f = poolForwardSource(k, planes, 'avg', addr);
    const forward = ctx.kernel(f.source, f.size);
    const b = poolBackwardSource(k, planes, 'avg', addr);
    const backward = ctx.kernel(b.source, b.size);
    return {
      forward: ({ inputs }) => ({ output: forward(inputs[0]) }),
      backward: ({ gradOutput, needInputGrad }) => ({ inputs: [needInputGrad[0] ? backward(gradOutput) : null], params: {} }),
    };
  },
};
