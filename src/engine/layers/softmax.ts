/**
 * Softmax — the classifier: probabilities over classes, trained with cross-entropy.
 *
 * The loss is computed from the input logits, not from the probabilities: log-softmax as
 * z − max − log Σ e^(z − max) never overflows and never takes the log of an underflowed zero.
 * Its gradient w.r.t. the logits is the classic (softmax − one-hot) / batch.
 *
 * The per-element kernels are generated (conv-codegen.ts: exact sample/class decode); the loss
 * and the correct count are one thread each.
 */
import { ShapeError } from '../graph/errors';
import type { KArr, KernelThis, LayerSpec } from './spec';
import { elementwise, type GeneratedKernel } from './conv-codegen';

type SoftmaxConsts = { F: number; N: number };

/** p[n,f] = e^(z[n,f] − max) / Σ_g e^(z[n,g] − max), one thread per element (generated). */
function forwardSource(grid: boolean, F: number, N: number): GeneratedKernel {
  return elementwise(grid, [['f', F]], [['n', N]], ['z'], [
    `const base = n * ${F};`,
    'let m = z[base];',
    `for (let g = 1; g < ${F}; g++) {`, 'm = Math.max(m, z[base + g]);', '}',
    'let s = 0;',
    `for (let g = 0; g < ${F}; g++) {`, 's += Math.exp(z[base + g] - m);', '}',
    'return Math.exp(z[i] - m) / s;',
  ]);
}

/** Batch-mean cross-entropy: mean over n of log Σ e^(z − max) + max − z[target]. One thread. */
function crossEntropyLoss(this: KernelThis<SoftmaxConsts>, z: KArr, targets: KArr): number {
  let total = 0;
  for (let n = 0; n < this.constants.N; n++) {
    const base = n * this.constants.F;
    const t = Math.floor(targets[n] + 0.5);
    let m = z[base];
    for (let f = 1; f < this.constants.F; f++) m = Math.max(m, z[base + f]);
    let s = 0;
    let zt = 0;
    for (let f = 0; f < this.constants.F; f++) {
      s += Math.exp(z[base + f] - m);
      if (f === t) zt = z[base + f];
    }
    total += Math.log(s) + m - zt;
  }
  return total / this.constants.N;
}

/** How many samples have argmax(z) == target (the first maximum wins ties, as torch.argmax). */
function countCorrect(this: KernelThis<SoftmaxConsts>, z: KArr, targets: KArr): number {
  let correct = 0;
  for (let n = 0; n < this.constants.N; n++) {
    const base = n * this.constants.F;
    let best = 0;
    let m = z[base];
    for (let f = 1; f < this.constants.F; f++) {
      if (z[base + f] > m) {
        m = z[base + f];
        best = f;
      }
    }
    if (best === Math.floor(targets[n] + 0.5)) correct += 1;
  }
  return correct;
}

/** dL/dz[n,f] = (p[n,f] − [f == target[n]]) / N (generated). */
function gradSource(grid: boolean, F: number, N: number): GeneratedKernel {
  return elementwise(grid, [['f', F]], [['n', N]], ['p', 'targets'], [
    'let g = p[i];',
    'if (f === Math.floor(targets[n] + 0.5)) {', 'g = p[i] - 1;', '}',
    `return g / ${N};`,
  ]);
}

export const Softmax: LayerSpec<Record<string, never>> = {
  type: 'Softmax',
  label: 'Softmax',
  category: 'Output',
  description: 'Classifier output: turns a vector of scores into class probabilities; trained with cross-entropy against class indices.',
  inputs: { min: 1, max: 1 },
  params: [],
  summary: () => 'cross-entropy',
  outputShape(inShapes) {
    const s = inShapes[0];
    if (s.length !== 1) throw new ShapeError(`Softmax needs a vector of class scores [classes], got ${s.join('×')}; put Flatten or GlobalAvgPool and a Dense layer before it`, null);
    if (s[0] < 2) throw new ShapeError(`Softmax needs at least 2 classes, got ${s[0]}`, null);
    return s;
  },
  // per class: subtract the max, exp, add to the sum, divide
  flops: (_in, out) => 4 * out[0],
  output: { targets: 'class', lossName: 'cross-entropy' },
  compile(ctx) {
    const k: SoftmaxConsts = { F: ctx.outShape[0], N: ctx.batch };
    const grid = ctx.grid === true;
    const f = forwardSource(grid, k.F, k.N);
    const fwd = ctx.kernel(f.source, f.size);
    const loss = ctx.kernel(crossEntropyLoss, 1, k);
    const correct = ctx.kernel(countCorrect, 1, k);
    const gs = gradSource(grid, k.F, k.N);
    const grad = ctx.kernel(gs.source, gs.size);
    return {
      forward: ({ inputs }) => ({ output: fwd(inputs[0]) }),
      loss: ({ input, output, targets }) => ({
        loss: loss(input, targets),
        correct: correct(input, targets),
        gradInput: grad(output, targets),
      }),
    };
  },
};
