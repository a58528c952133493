/**
 * Conv2D — cross-correlation as in PyTorch: weight [out, in, kh, kw], bias [out].
 *
 * Backward follows the seed (17.3): the input gradient is the delta, padded and (for stride > 1)
 * dilated with stride−1 zeros, convolved with the 180°-rotated kernel — written here as a gather
 * per input pixel, which touches exactly the non-zero taps of that dilated delta; the weight
 * gradient is the input correlated with the delta; the bias gradient is the summed delta.
 */
import type { Padding } from './params';
import type { KArr, KernelThis, LayerSpec } from './spec';
import { expectImage, windowGeometry } from './geometry';

export interface Conv2DParams {
  filters: number;
  kernelSize: [number, number];
  stride: [number, number];
  padding: Padding;
  useBias: boolean;
}

type ConvConsts = {
  C: number; H: number; W: number; F: number; KH: number; KW: number;
  OH: number; OW: number; SH: number; SW: number; PT: number; PL: number; N: number; bias: number;
};

function convForward(this: KernelThis<ConvConsts>, x: KArr, w: KArr, b: KArr): number {
  const i = this.thread.x;
  const ow = i % this.constants.OW;
  const t1 = Math.floor(i / this.constants.OW);
  const oh = t1 % this.constants.OH;
  const t2 = Math.floor(t1 / this.constants.OH);
  const f = t2 % this.constants.F;
  const n = Math.floor(t2 / this.constants.F);
  let s = 0;
  if (this.constants.bias > 0) s = b[f];
  for (let c = 0; c < this.constants.C; c++) {
    for (let kh = 0; kh < this.constants.KH; kh++) {
      const ih = oh * this.constants.SH - this.constants.PT + kh;
      if (ih >= 0 && ih < this.constants.H) {
        const xRow = ((n * this.constants.C + c) * this.constants.H + ih) * this.constants.W;
        const wRow = ((f * this.constants.C + c) * this.constants.KH + kh) * this.constants.KW;
        for (let kw = 0; kw < this.constants.KW; kw++) {
          const iw = ow * this.constants.SW - this.constants.PL + kw;
          if (iw >= 0 && iw < this.constants.W) {
            s += x[xRow + iw] * w[wRow + kw];
          }
        }
      }
    }
  }
  return s;
}

/** dX[n,c,ih,iw] = Σ dY[n,f,oh,ow]·W[f,c,kh,kw] over taps where oh·SH − PT + kh = ih. */
function convBackwardData(this: KernelThis<ConvConsts>, dy: KArr, w: KArr): number {
  const i = this.thread.x;
  const iw = i % this.constants.W;
  const t1 = Math.floor(i / this.constants.W);
  const ih = t1 % this.constants.H;
  const t2 = Math.floor(t1 / this.constants.H);
  const c = t2 % this.constants.C;
  const n = Math.floor(t2 / this.constants.C);
  let s = 0;
  for (let f = 0; f < this.constants.F; f++) {
    for (let kh = 0; kh < this.constants.KH; kh++) {
      const th = ih + this.constants.PT - kh;
      const oh = Math.floor(th / this.constants.SH);
      if (th >= 0 && oh * this.constants.SH === th && oh < this.constants.OH) {
        const dyRow = ((n * this.constants.F + f) * this.constants.OH + oh) * this.constants.OW;
        const wRow = ((f * this.constants.C + c) * this.constants.KH + kh) * this.constants.KW;
        for (let kw = 0; kw < this.constants.KW; kw++) {
          const tw = iw + this.constants.PL - kw;
          const ow = Math.floor(tw / this.constants.SW);
          if (tw >= 0 && ow * this.constants.SW === tw && ow < this.constants.OW) {
            s += dy[dyRow + ow] * w[wRow + kw];
          }
        }
      }
    }
  }
  return s;
}

/** dW[f,c,kh,kw] = Σ over n, oh, ow of dY[n,f,oh,ow]·X[n,c,oh·SH−PT+kh, ow·SW−PL+kw]. */
function convBackwardWeight(this: KernelThis<ConvConsts>, x: KArr, dy: KArr): number {
  const i = this.thread.x;
  const kw = i % this.constants.KW;
  const t1 = Math.floor(i / this.constants.KW);
  const kh = t1 % this.constants.KH;
  const t2 = Math.floor(t1 / this.constants.KH);
  const c = t2 % this.constants.C;
  const f = Math.floor(t2 / this.constants.C);
  let s = 0;
  for (let n = 0; n < this.constants.N; n++) {
    for (let oh = 0; oh < this.constants.OH; oh++) {
      const ih = oh * this.constants.SH - this.constants.PT + kh;
      if (ih >= 0 && ih < this.constants.H) {
        const xRow = ((n * this.constants.C + c) * this.constants.H + ih) * this.constants.W;
        const dyRow = ((n * this.constants.F + f) * this.constants.OH + oh) * this.constants.OW;
        for (let ow = 0; ow < this.constants.OW; ow++) {
          const iw = ow * this.constants.SW - this.constants.PL + kw;
          if (iw >= 0 && iw < this.constants.W) {
            s += dy[dyRow + ow] * x[xRow + iw];
          }
        }
      }
    }
  }
  return s;
}

/** dB[f] = Σ over n, oh, ow of dY[n,f,oh,ow]. */
function convBackwardBias(this: KernelThis<ConvConsts>, dy: KArr): number {
  const f = this.thread.x;
  let s = 0;
  for (let n = 0; n < this.constants.N; n++) {
    const base = (n * this.constants.F + f) * this.constants.OH * this.constants.OW;
    for (let j = 0; j < this.constants.OH * this.constants.OW; j++) {
      s += dy[base + j];
    }
  }
  return s;
}

export const Conv2D: LayerSpec<Conv2DParams> = {
  type: 'Conv2D',
  label: 'Conv2D',
  category: 'Convolution',
  description: 'Slides learned kernels over the image (cross-correlation); one output channel per filter.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', min: 1, max: 65536, help: 'Number of kernels = output channels.' },
    { name: 'kernelSize', label: 'Kernel', kind: 'pair', min: 1, max: 1024, help: 'Kernel height × width.' },
    { name: 'stride', label: 'Stride', kind: 'pair', min: 1, max: 1024, default: [1, 1], help: 'Step between windows (rows, columns).' },
    { name: 'padding', label: 'Padding', kind: 'padding', default: 'valid', help: '"valid" (none), "same" (output = ⌈input / stride⌉) or [rows, columns] of zeros on each side.' },
    { name: 'useBias', label: 'Bias', kind: 'bool', default: true, help: 'Add a learned bias per output channel.' },
  ],
  summary: (p) => `${p.filters} × ${p.kernelSize[0]}×${p.kernelSize[1]}, s${p.stride[0] === p.stride[1] ? p.stride[0] : p.stride.join('×')}${p.padding === 'same' ? ', same' : Array.isArray(p.padding) && (p.padding[0] || p.padding[1]) ? `, p${p.padding[0] === p.padding[1] ? p.padding[0] : p.padding.join('×')}` : ''}`,
  outputShape(inShapes, p) {
    const [, h, w] = expectImage(inShapes[0], 'Conv2D');
    const g = windowGeometry('kernel', h, w, p.kernelSize, p.stride, p.padding, 'kernelSize');
    return [p.filters, g.oh, g.ow];
  },
  paramShapes(inShapes, p) {
    const shapes: Record<string, number[]> = { weight: [p.filters, inShapes[0][0], p.kernelSize[0], p.kernelSize[1]] };
    if (p.useBias) shapes.bias = [p.filters];
    return shapes;
  },
  flops(inShapes, out, p) {
    return 2 * out[0] * out[1] * out[2] * inShapes[0][0] * p.kernelSize[0] * p.kernelSize[1] + (p.useBias ? out[0] * out[1] * out[2] : 0);
  },
  compile(ctx, p) {
    const [C, H, W] = ctx.inShapes[0];
    const g = windowGeometry('kernel', H, W, p.kernelSize, p.stride, p.padding, 'kernelSize');
    const k: ConvConsts = {
      C, H, W, F: p.filters, KH: p.kernelSize[0], KW: p.kernelSize[1], OH: g.oh, OW: g.ow,
      SH: p.stride[0], SW: p.stride[1], PT: g.pt, PL: g.pl, N: ctx.batch, bias: p.useBias ? 1 : 0,
    };
    const N = ctx.batch;
    const forward = ctx.kernel(convForward, N * k.F * k.OH * k.OW, k);
    const backData = ctx.kernel(convBackwardData, N * C * H * W, k);
    const backWeight = ctx.kernel(convBackwardWeight, k.F * C * k.KH * k.KW, k);
    const backBias = ctx.kernel(convBackwardBias, k.F, k);
    const noBias = new Float32Array(1);
    return {
      forward: ({ inputs, params }) => ({ output: forward(inputs[0], params.weight, p.useBias ? params.bias : noBias) }),
      backward: ({ inputs, params, gradOutput, needInputGrad }) => {
        const grads: Record<string, ReturnType<typeof forward>> = { weight: backWeight(inputs[0], gradOutput) };
        if (p.useBias) grads.bias = backBias(gradOutput);
        return { inputs: [needInputGrad[0] ? backData(gradOutput, params.weight) : null], params: grads };
      },
    };
  },
};
