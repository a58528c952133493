/**
 * MaxPool2D — the largest value in each window, per channel. Padded cells are skipped, so they
 * never win. Forward finds the argmax once (first maximum in window order, as PyTorch does on
 * ties) and saves it; the output gathers through it, and backward routes each output's
 * gradient to its argmax only (seed 17.2: the other cells of the window get zero).
 *
 * Index decoding never trusts a float quotient: webgpu divides in f32 with up to 2.5 ulp of
 * error, so floor(i / n) can land one low at an exact multiple of n (seen: 189 / 189 → 0 on
 * SwiftShader). Each decode takes the remainder by subtraction and corrects the quotient by one.
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { POOL_PARAMS, poolBackwardSource, poolConsts, poolGeometry, poolSummary, type PoolConsts, type PoolParams } from './pool-window';

/** Argmax of each window as a position in its H×W plane (ih·W + iw), exact in float32. */
function maxPoolArgmax(this: KernelThis<PoolConsts>, x: KArr): number {
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
  let best = 0;
  let at = -1;
  for (let kh = 0; kh < this.constants.KH; kh++) {
    const ih = oh * this.constants.SH - this.constants.PT + kh;
    if (ih >= 0 && ih < this.constants.H) {
      for (let kw = 0; kw < this.constants.KW; kw++) {
        const iw = ow * this.constants.SW - this.constants.PL + kw;
        if (iw >= 0 && iw < this.constants.W) {
          const v = x[base + ih * this.constants.W + iw];
          // strict > keeps the first maximum on ties
          if (at < 0 || v > best) {
            best = v;
            at = ih * this.constants.W + iw;
          }
        }
      }
    }
  }
  return at;
}

function maxPoolGather(this: KernelThis<PoolConsts>, x: KArr, arg: KArr): number {
  const i = this.thread.x;
  let plane = Math.floor(i / this.constants.OHW);
  const r = i - plane * this.constants.OHW;
  if (r < 0) { plane -= 1; }
  if (r >= this.constants.OHW) { plane += 1; }
  return x[plane * this.constants.H * this.constants.W + arg[i]];
}

export const MaxPool2D: LayerSpec<PoolParams> = {
  type: 'MaxPool2D',
  label: 'MaxPool2D',
  category: 'Pooling',
  description: 'Keeps the largest value of each window, per channel: halves the image at pool 2×2.',
  inputs: { min: 1, max: 1 },
  params: POOL_PARAMS,
  summary: poolSummary,
  outputShape(inShapes, p) {
    const g = poolGeometry('MaxPool2D', inShapes[0], p);
    return [g.C, g.oh, g.ow];
  },
  // one comparison per window cell
  flops: (_in, out, p) => out[0] * out[1] * out[2] * p.poolSize[0] * p.poolSize[1],
  compile(ctx, p) {
    const k = poolConsts(ctx.inShapes[0], p, 'MaxPool2D');
    const planes = ctx.batch * k.C;
    const argmax = ctx.kernel(maxPoolArgmax, planes * k.OH * k.OW, k);
    const gather = ctx.kernel(maxPoolGather, planes * k.OH * k.OW, k);
    const backward = ctx.kernel(poolBackwardSource(k, 'max'), planes * k.H * k.W);
    return {
      forward: ({ inputs }) => {
        const arg = argmax(inputs[0]);
        return { output: gather(inputs[0], arg), saved: { argmax: arg } };
      },
      backward: ({ saved, gradOutput, needInputGrad }) => ({
        inputs: [needInputGrad[0] ? backward(gradOutput, saved.argmax) : null],
        params: {},
      }),
    };
  },
};
