/**
 * Dense — fully connected, as PyTorch's Linear: y = x·Wᵀ + b with weight [units, in], bias
 * [units]. Backward: dX = dY·W, dW = dYᵀ·X summed over the batch, dB = dY summed over the batch.
 *
 * Index decoding corrects each float quotient by its remainder: webgpu divides in f32 with up to
 * 2.5 ulp of error, so floor(i / n) alone can land one low at an exact multiple of n.
 */
import { ShapeError } from '../graph/errors';
import type { KArr, KernelThis, LayerSpec } from './spec';

export interface DenseParams {
  units: number;
  useBias: boolean;
}

type DenseConsts = { F: number; U: number; N: number; bias: number };

/** Y[n,u] = b[u] + Σ_f X[n,f]·W[u,f]. */
function denseForward(this: KernelThis<DenseConsts>, x: KArr, w: KArr, b: KArr): number {
  const i = this.thread.x;
  let n = Math.floor(i / this.constants.U);
  let u = i - n * this.constants.U;
  if (u < 0) { n -= 1; u += this.constants.U; }
  if (u >= this.constants.U) { n += 1; u -= this.constants.U; }
  let s = 0;
  if (this.constants.bias > 0) s = b[u];
  for (let f = 0; f < this.constants.F; f++) {
    s += x[n * this.constants.F + f] * w[u * this.constants.F + f];
  }
  return s;
}

/** dX[n,f] = Σ_u dY[n,u]·W[u,f]. */
function denseBackwardData(this: KernelThis<DenseConsts>, dy: KArr, w: KArr): number {
  const i = this.thread.x;
  let n = Math.floor(i / this.constants.F);
  let f = i - n * this.constants.F;
  if (f < 0) { n -= 1; f += this.constants.F; }
  if (f >= this.constants.F) { n += 1; f -= this.constants.F; }
  let s = 0;
  for (let u = 0; u < this.constants.U; u++) {
    s += dy[n * this.constants.U + u] * w[u * this.constants.F + f];
  }
  return s;
}

/** dW[u,f] = Σ_n dY[n,u]·X[n,f]. */
function denseBackwardWeight(this: KernelThis<DenseConsts>, x: KArr, dy: KArr): number {
  const i = this.thread.x;
  let u = Math.floor(i / this.constants.F);
  let f = i - u * this.constants.F;
  if (f < 0) { u -= 1; f += this.constants.F; }
  if (f >= this.constants.F) { u += 1; f -= this.constants.F; }
  let s = 0;
  for (let n = 0; n < this.constants.N; n++) {
    s += dy[n * this.constants.U + u] * x[n * this.constants.F + f];
  }
  return s;
}

/** dB[u] = Σ_n dY[n,u]. */
function denseBackwardBias(this: KernelThis<DenseConsts>, dy: KArr): number {
  const u = this.thread.x;
  let s = 0;
  for (let n = 0; n < this.constants.N; n++) {
    s += dy[n * this.constants.U + u];
  }
  return s;
}

function expectVector(inShape: readonly number[]): number {
  if (inShape.length !== 1) throw new ShapeError(`Dense needs a vector input, got ${inShape.join('×')}: add a Flatten before it`, null);
  return inShape[0];
}

export const Dense: LayerSpec<DenseParams> = {
  type: 'Dense',
  label: 'Dense',
  category: 'Dense',
  description: 'Fully connected: every output is a learned weighted sum of all inputs plus a bias.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'units', label: 'Units', kind: 'int', min: 1, max: 1 << 20, suggested: 10, help: 'Number of outputs (neurons).' },
    { name: 'useBias', label: 'Bias', kind: 'bool', default: true, help: 'Add a learned bias per output.' },
  ],
  summary: (p) => `${p.units}`,
  outputShape(inShapes, p) {
    expectVector(inShapes[0]);
    return [p.units];
  },
  paramShapes(inShapes, p) {
    const shapes: Record<string, number[]> = { weight: [p.units, expectVector(inShapes[0])] };
    if (p.useBias) shapes.bias = [p.units];
    return shapes;
  },
  flops: (inShapes, _out, p) => 2 * p.units * inShapes[0][0] + (p.useBias ? p.units : 0),
  compile(ctx, p) {
    const F = expectVector(ctx.inShapes[0]);
    const N = ctx.batch;
    const k: DenseConsts = { F, U: p.units, N, bias: p.useBias ? 1 : 0 };
    const forward = ctx.kernel(denseForward, N * p.units, k);
    const backData = ctx.kernel(denseBackwardData, N * F, k);
    const backWeight = ctx.kernel(denseBackwardWeight, p.units * F, k);
    const backBias = ctx.kernel(denseBackwardBias, p.units, k);
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
