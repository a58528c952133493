/**
 * Dense — fully connected, as PyTorch's Linear: y = x·Wᵀ + b with weight [units, in], bias
 * [units]. Backward: dX = dY·W, dW = dYᵀ·X summed over the batch, dB = dY summed over the batch.
 *
 * Kernels come from the generator (conv-codegen.ts) on 2-D grids, so no index is ever decoded
 * by division, and every weight index is written inline from the thread ids and loop counters:
 * gpu.js computes that in i32, exact past 2^24 (VGG-16's fc6 weight has 102,760,448 elements;
 * see EXACT_INDEX). On webasm the grid's y (sample, or unit) is uniform across SIMD lanes.
 */
import { ShapeError } from '../graph/errors';
import type { LayerSpec } from './spec';
import { build, unrolledSum, type GeneratedKernel } from './conv-codegen';
import type { GemmNN, GemmNT, NativeOp } from './native-op';

export interface DenseParams {
  units: number;
  useBias: boolean;
}

/** Y[n,u] = b[u] + Σ_f X[n,f]·W[u,f] on the grid [U, N]: x = u, y = n. */
function forwardSource(F: number, U: number, N: number, bias: boolean): GeneratedKernel & { native: NativeOp } {
  const L = [bias ? 'let s = b[this.thread.x];' : 'let s = 0;'];
  unrolledSum(L, 's', F, (f) => `x[this.thread.y * ${F} + ${f}] * w[this.thread.x * ${F} + ${f}]`, 'tf');
  L.push('return s;');
  const native: GemmNT = { kind: 'gemm-nt', J: U, rows: [{ size: N, a: F, b: 0 }], K: F, bJ: F, a: 0, b: 1, bias: bias ? 2 : undefined };
  return { source: build(bias ? ['x', 'w', 'b'] : ['x', 'w'], L), size: [U, N], native };
}

/** dX[n,f] = Σ_u dY[n,u]·W[u,f] on the grid [F, N]: x = f, y = n. */
function backDataSource(F: number, U: number, N: number): GeneratedKernel & { native: NativeOp } {
  const L = ['let s = 0;'];
  unrolledSum(L, 's', U, (u) => `dy[this.thread.y * ${U} + ${u}] * w[${u} * ${F} + this.thread.x]`, 'tu');
  L.push('return s;');
  const native: GemmNN = { kind: 'gemm-nn', J: F, rows: [{ size: N, a: U, b: 0 }], K: U, aK: 1, bK: F, a: 0, b: 1 };
  return { source: build(['dy', 'w'], L), size: [F, N], native };
}

/** dW[u,f] = Σ_n dY[n,u]·X[n,f] on the grid [F, U]: x = f, y = u. */
function backWeightSource(F: number, U: number, N: number): GeneratedKernel & { native: NativeOp } {
  const L = ['let s = 0;'];
  unrolledSum(L, 's', N, (n) => `dy[${n} * ${U} + this.thread.y] * x[${n} * ${F} + this.thread.x]`, 'tn');
  L.push('return s;');
  const native: GemmNN = { kind: 'gemm-nn', J: F, rows: [{ size: U, a: 1, b: 0 }], K: N, aK: U, bK: F, a: 1, b: 0 };
  return { source: build(['x', 'dy'], L), size: [F, U], native };
}

/** dB[u] = Σ_n dY[n,u]. */
function backBiasSource(U: number, N: number): GeneratedKernel {
  const L = ['let s = 0;'];
  unrolledSum(L, 's', N, (n) => `dy[${n} * ${U} + this.thread.x]`, 'tn');
  L.push('return s;');
  return { source: build(['dy'], L), size: U };
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
  exactIndex: true,
  compile(ctx, p) {
    const F = expectVector(ctx.inShapes[0]);
    const N = ctx.batch;
    const make = (k: GeneratedKernel & { native?: NativeOp }) => ctx.kernel(k.source, k.size, undefined, k.native);
    const forward = make(forwardSource(F, p.units, N, p.useBias));
    const backData = make(backDataSource(F, p.units, N));
    const backWeight = make(backWeightSource(F, p.units, N));
    const backBias = make(backBiasSource(p.units, N));
    return {
      forward: ({ inputs, params }) => ({ output: p.useBias ? forward(inputs[0], params.weight, params.bias) : forward(inputs[0], params.weight) }),
      backward: ({ inputs, params, gradOutput, needInputGrad }) => {
        const grads: Record<string, ReturnType<typeof forward>> = { weight: backWeight(inputs[0], gradOutput) };
        if (p.useBias) grads.bias = backBias(gradOutput);
        return { inputs: [needInputGrad[0] ? backData(gradOutput, params.weight) : null], params: grads };
      },
    };
  },
};
