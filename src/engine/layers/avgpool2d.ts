/**
 * AvgPool2D — the mean of each window, per channel. Padded cells count as zeros and the divisor
 * is always the full window KH·KW (PyTorch's default, count_include_pad=True), so backward
 * spreads each output's gradient evenly, 1/(KH·KW) to every real cell of its window.
 *
 * Index decoding corrects each float quotient by its remainder, as in maxpool2d.ts: webgpu's
 * f32 division can put floor(i / n) one low at an exact multiple of n.
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { POOL_PARAMS, poolBackwardSource, poolConsts, poolGeometry, poolSummary, type PoolConsts, type PoolParams } from './pool-window';

function avgPoolForward(this: KernelThis<PoolConsts>, x: KArr): number {
  const i = this.thread.x;
  let t1 = Math.floor(i / this.constants.OW);
  let ow = i - t1 * this.constants.OW;
  if (ow < 0) { t1 -= 1; ow += this.constants.OW; }
  if (ow >= this.constants.OW) { t1 += 1; ow -= this.constants.OW; }
  let plane = Math.floor(t1 / this.constants.OH);
  let oh = t1 - plane * this.constants.OH;
  if (oh < 0) { plane -= 1; oh += this.constants.OH; }
  if (oh >= this.constants.OH) { plane += 1; oh -= this.constants.OH; }
  const base = plane * this.constants.H * this.constants.W;
  let s = 0;
  for (let kh = 0; kh < this.constants.KH; kh++) {
    const ih = oh * this.constants.SH - this.constants.PT + kh;
    if (ih >= 0 && ih < this.constants.H) {
      for (let kw = 0; kw < this.constants.KW; kw++) {
        const iw = ow * this.constants.SW - this.constants.PL + kw;
        if (iw >= 0 && iw < this.constants.W) {
          s += x[base + ih * this.constants.W + iw];
        }
      }
    }
  }
  return s / (this.constants.KH * this.constants.KW);
}

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
  compile(ctx, p) {
    const k = poolConsts(ctx.inShapes[0], p, 'AvgPool2D');
    const planes = ctx.batch * k.C;
    const forward = ctx.kernel(avgPoolForward, planes * k.OH * k.OW, k);
    const backward = ctx.kernel(poolBackwardSource(k, 'avg'), planes * k.H * k.W);
    return {
      forward: ({ inputs }) => ({ output: forward(inputs[0]) }),
      backward: ({ gradOutput, needInputGrad }) => ({ inputs: [needInputGrad[0] ? backward(gradOutput) : null], params: {} }),
    };
  },
};
