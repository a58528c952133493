/**
 * BatchNorm — per feature after a Dense layer (input [F]), per channel after a convolution
 * (input C×H×W), as PyTorch's BatchNorm1d / BatchNorm2d.
 *
 * Training: normalise with the batch mean and the biased batch variance; update the running
 * statistics as PyTorch does — new = (1 − momentum)·old + momentum·batch, where the running
 * variance takes the *unbiased* batch variance (m / (m − 1), m = values per channel).
 * Inference: normalise with the running statistics, so the layer is a fixed affine map.
 *
 * The per-element kernels are generated (exact channel decode); the per-channel statistics
 * loop over the batch and the positions.
 *
 * Backward in training mode (x̂ = (x − μ)/σ, m values per channel):
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/(σ·m) · (m·dy − dβ − x̂·dγ);
 * in inference mode μ and σ are constants: dx = γ·dy/σ.
 */
import { GraphError } from '../graph/errors';
import type { Handle, KArr, KernelThis, LayerSpec } from './spec';
import { blockedSum } from './block-sum';
import { build, elementwise, type Addressing, type KernelSource } from './conv-codegen';

export interface BatchNormParams {
  momentum: number;
  epsilon: number;
}

type BnConsts = {
  /** Batch, channels, positions per channel per sample (H·W, or 1 after Dense). */
  N: number; C: number; HW: number;
  momentum: number; eps: number;
  /** m / (m − 1): biased → unbiased variance for the running estimate. */
  unbias: number;
};



function updateRunningMean(this: KernelThis<BnConsts>, running: KArr, batchMean: KArr): number {
  const c = this.thread.x;
  return (1 - this.constants.momentum) * running[c] + this.constants.momentum * batchMean[c];
}

function updateRunningVar(this: KernelThis<BnConsts>, running: KArr, batchVar: KArr): number {
  const c = this.thread.x;
  return (1 - this.constants.momentum) * running[c] + this.constants.momentum * batchVar[c] * this.constants.unbias;
}



/**
 * Σ over the batch and the positions of channel c = this.thread.x, every index inline (i32: exact
 * past 2^24, see EXACT_INDEX): `pre` lines, then `term(at, acc)` per element (`at`: its index,
 * `acc`: the accumulator to add into), then `result` (which sees the sum `s`). Each sample's
 * positions are summed by `blockedSum` (block-sum.ts: no accumulator takes more than 1,024
 * additions), then the samples: one f32 running sum over millions of values (ResNet-50's first
 * BatchNorm at batch 256: 3.2 M per channel) loses digits in every late addition — measured, 1.5 %
 * of a mean of 500 over 2 M values; blocks of 1,024 summed into one total still drifted 1.6e-5
 * at 64 × 224 × 224.
 */
function channelSum(N: number, C: number, HW: number, params: string[], pre: string[], term: (at: string, acc: string) => string[], result: string): KernelSource {
  const row = `(n * ${C} + this.thread.x) * ${HW}`;
  const L = [...pre, 'let s = 0;', `for (let n = 0; n < ${N}; n++) {`, ...blockedSum('u', HW, row, term), 's += u;', '}', result];
  return build(params, L);
}

/** The per-channel statistics and parameter gradients. */
function channelKernels(N: number, C: number, HW: number) {
  const m = N * HW;
  return {
    /** μ[c]: mean over the batch and the spatial positions of channel c. */
    mean: channelSum(N, C, HW, ['x'], [], (at, acc) => [`${acc} += x[${at}];`], `return s / ${m};`),
    /** σ²[c]: biased variance, two-pass (Σ(x − μ)²) so large means do not cancel precision away. */
    variance: channelSum(N, C, HW, ['x', 'mean'], ['const mu = mean[this.thread.x];'], (at, acc) => [`const d = x[${at}] - mu;`, `${acc} += d * d;`], `return s / ${m};`),
    /** dβ[c] = Σ dy. */
    gradBeta: channelSum(N, C, HW, ['dy'], [], (at, acc) => [`${acc} += dy[${at}];`], 'return s;'),
    /** dγ[c] = Σ dy·x̂, x̂ = (x − μ)/√(σ² + ε). */
    gradGamma: channelSum(N, C, HW, ['dy', 'x', 'mean', 'variance'], ['const mu = mean[this.thread.x];'], (at, acc) => [`${acc} += dy[${at}] * (x[${at}] - mu);`], 'return s / Math.sqrt(variance[this.thread.x] + this.constants.eps);'),
  };
}

/**
 * The per-element kernels, generated (conv-codegen.ts): the element's channel comes from an
 * exact decode. On webasm's grid the channel is in y (uniform across lanes: γ, μ, σ² reads are
 * splats); with exact addressing every per-sample index is in x — moved to y only as far as the
 * widest dispatch row needs — so a big image or a wide Dense output never makes a grid too tall
 * or too wide, and the element itself is read at `I`, an i32 offset (EXACT_INDEX).
 */
function elementKernels(a: Addressing, N: number, C: number, H: number, W: number) {
  const image: [string, number][] = H * W > 1 ? [['w', W], ['h', H]] : [];
  const shape: [[string, number][], [string, number][]] = a.exact ? [[...image, ['c', C]], [['n', N]]] : [[['p', H * W]], [['c', C], ['n', N]]];
  const invStd = 'const invStd = 1 / Math.sqrt(variance[c] + this.constants.eps);';
  const grid = a.grid === true;
  const m = N * H * W;
  return {
    /** y = γ·(x − μ)/√(σ² + ε) + β, with μ, σ² the batch or the running statistics. */
    normalise: elementwise(grid, ...shape, ['x', 'mean', 'variance', 'gamma', 'beta'], ({ I }) => [invStd, `return gamma[c] * (x[${I}] - mean[c]) * invStd + beta[c];`], a),
    /** Training: dx = γ/(σ·m) · (m·dy − dβ − x̂·dγ). */
    gradTraining: elementwise(grid, ...shape, ['dy', 'x', 'mean', 'variance', 'gamma', 'dBeta', 'dGamma'], ({ I }) => [
      invStd,
      `const xhat = (x[${I}] - mean[c]) * invStd;`,
      `return gamma[c] * invStd / ${m} * (${m} * dy[${I}] - dBeta[c] - xhat * dGamma[c]);`,
    ], a),
    /** Inference: the statistics are constants, so dx = γ·dy/√(σ² + ε). */
    gradInference: elementwise(grid, ...shape, ['dy', 'variance', 'gamma'], ({ I }) => [invStd, `return gamma[c] * dy[${I}] * invStd;`], a),
  };
}

export const BatchNorm: LayerSpec<BatchNormParams> = {
  type: 'BatchNorm',
  label: 'BatchNorm',
  category: 'Normalisation',
  description: 'Batch normalisation: standardises each channel (or feature) over the batch, then scales and shifts it with learned γ and β; uses running statistics at inference.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'momentum', label: 'Momentum', kind: 'float', min: 0, max: 1, default: 0.1, help: 'Weight of the new batch in the running statistics (PyTorch meaning): running = (1 − momentum)·running + momentum·batch.' },
    { name: 'epsilon', label: 'Epsilon', kind: 'float', min: 0, minExclusive: true, default: 1e-5, help: 'Added to the variance before the square root, for numerical stability.' },
  ],
  summary: (p) => `m ${p.momentum}`,
  outputShape: (inShapes) => inShapes[0],
  paramShapes: (inShapes) => ({ weight: [inShapes[0][0]], bias: [inShapes[0][0]] }),
  stateShapes: (inShapes) => ({ running_mean: [inShapes[0][0]], running_var: [inShapes[0][0]] }),
  stateMinimum: { running_var: { min: 0, what: 'a variance' } },
  initParam: (name, n) => (name === 'weight' ? new Float32Array(n).fill(1) : undefined),
  initState: (name, n) => (name === 'running_var' ? new Float32Array(n).fill(1) : new Float32Array(n)),
  // per-channel sums index inline from the thread id and loop counters, per-element kernels with
  // exact addressing off webasm: exact past 2^24 (tests/unit/exact-index-layers.test.ts)
  exactIndex: true,
  // per element: subtract, multiply by the scale, add the shift (training adds the statistics' passes)
  flops: (_in, out) => 4 * out.reduce((a, b) => a * b, 1),
  compile(ctx, p) {
    const s = ctx.inShapes[0];
    const C = s[0];
    const HW = s.length === 3 ? s[1] * s[2] : 1;
    const m = ctx.batch * HW;
    const k: BnConsts = { N: ctx.batch, C, HW, momentum: p.momentum, eps: p.epsilon, unbias: m > 1 ? m / (m - 1) : 1 };
    // webasm: its fast grid (tensors under 2^24 there); elsewhere i32 offsets (exactIndex)
    const el = elementKernels(ctx.grid === true ? { grid: true } : { exact: true }, ctx.batch, C, s.length === 3 ? s[1] : 1, s.length === 3 ? s[2] : 1);
    const ch = channelKernels(ctx.batch, C, HW);
    const mean = ctx.kernel(ch.mean, C, k);
    const variance = ctx.kernel(ch.variance, C, k);
    const norm = ctx.kernel(el.normalise.source, el.normalise.size, k);
    const runMean = ctx.kernel(updateRunningMean, C, k);
    const runVar = ctx.kernel(updateRunningVar, C, k);
    const dBeta = ctx.kernel(ch.gradBeta, C, k);
    const dGamma = ctx.kernel(ch.gradGamma, C, k);
    const dxTrain = ctx.kernel(el.gradTraining.source, el.gradTraining.size, k);
    const dxInfer = ctx.kernel(el.gradInference.source, el.gradInference.size, k);
    return {
      forward: ({ inputs, params, state, training }) => {
        const x = inputs[0];
        if (!training) return { output: norm(x, state.running_mean, state.running_var, params.weight, params.bias) };
        if (m < 2) {
          // PyTorch refuses too: one value per channel has no variance to normalise by.
          throw new GraphError(`BatchNorm needs more than one value per channel in training, got batch ${ctx.batch} × ${HW} position${HW === 1 ? '' : 's'}; use a batch size ≥ 2`, ctx.nodeId, 'batch');
        }
        const mu = mean(x);
        const sigma2 = variance(x, mu);
        return {
          output: norm(x, mu, sigma2, params.weight, params.bias),
          saved: { mean: mu, variance: sigma2 },
          state: { running_mean: runMean(state.running_mean, mu), running_var: runVar(state.running_var, sigma2) },
        };
      },
      backward: ({ inputs, params, state, saved, gradOutput, training, needInputGrad }) => {
        const x = inputs[0];
        const mu: Handle = training ? saved.mean : state.running_mean;
        const sigma2: Handle = training ? saved.variance : state.running_var;
        const gb = dBeta(gradOutput);
        const gg = dGamma(gradOutput, x, mu, sigma2);
        let dx: Handle | null = null;
        if (needInputGrad[0]) dx = training ? dxTrain(gradOutput, x, mu, sigma2, params.weight, gb, gg) : dxInfer(gradOutput, sigma2, params.weight);
        return { inputs: [dx], params: { weight: gg, bias: gb } };
      },
    };
  },
};
