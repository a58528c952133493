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
import type { LayerSpec } from './spec';
import { build, elementwise, type Addressing, type GeneratedKernel, type KernelSource } from './conv-codegen';

/**
 * p[n,f] = e^(z[n,f] − max) / Σ_g e^(z[n,g] − max), one thread per element (generated). Off
 * webasm (`exact`) every offset is written inline in i32 — the row start from the decoded sample,
 * the class from the loop counter — so it stays exact past 2^24 (EXACT_INDEX in conv-codegen.ts).
 */
function forwardSource(a: Addressing, F: number, N: number): GeneratedKernel {
  return elementwise(a.grid === true, [['f', F]], [['n', N]], ['z'], ({ I, int }) => {
    const row = a.exact ? `${int('n')} * ${F}` : 'base';
    return [
      ...(a.exact ? [] : [`const base = n * ${F};`]),
      `let m = z[${row}];`,
      `for (let g = 1; g < ${F}; g++) {`, `m = Math.max(m, z[${row} + g]);`, '}',
      'let s = 0;',
      `for (let g = 0; g < ${F}; g++) {`, `s += Math.exp(z[${row} + g] - m);`, '}',
      `return Math.exp(z[${I}] - m) / s;`,
    ];
  }, a);
}

/** Samples whose losses are summed apart before joining the batch's total. */
const SUM_BLOCK = 1024;

/**
 * Batch-mean cross-entropy: mean over n of log Σ e^(z − max) + max − z[target]. One thread;
 * offsets from the loop counters and literal sizes (i32 in gpu.js: exact at any size), the sample
 * written inline (`n`: an expression). Blocks of SUM_BLOCK samples are summed apart, then the
 * blocks, so a big batch does not drift (one f32 sum over 508,401 samples was 5e-4 off).
 */
function crossEntropySource(F: number, N: number): KernelSource {
  const sample = (n: string) => [
    `const t = Math.floor(targets[${n}] + 0.5);`,
    `let m = z[${n} * ${F}];`,
    `for (let f = 1; f < ${F}; f++) {`, `m = Math.max(m, z[${n} * ${F} + f]);`, '}',
    'let s = 0;',
    'let zt = 0;',
    `for (let f = 0; f < ${F}; f++) {`,
    `s += Math.exp(z[${n} * ${F} + f] - m);`,
    `if (f === t) zt = z[${n} * ${F} + f];`,
    '}',
    'part += Math.log(s) + m - zt;',
  ];
  const blocks = Math.floor(N / SUM_BLOCK);
  const L = ['let total = 0;'];
  if (blocks > 0) {
    L.push(`for (let b = 0; b < ${blocks}; b++) {`, 'let part = 0;', `for (let k = 0; k < ${SUM_BLOCK}; k++) {`, ...sample(`(b * ${SUM_BLOCK} + k)`), '}', 'total += part;', '}');
  }
  if (N > blocks * SUM_BLOCK) L.push('let part = 0;', `for (let n = ${blocks * SUM_BLOCK}; n < ${N}; n++) {`, ...sample('n'), '}', 'total += part;');
  L.push(`return total / ${N};`);
  return build(['z', 'targets'], L);
}

/** How many samples have argmax(z) == target (the first maximum wins ties, as torch.argmax); offsets as above. */
function countCorrectSource(F: number, N: number): KernelSource {
  return build(['z', 'targets'], [
    'let correct = 0;',
    `for (let n = 0; n < ${N}; n++) {`,
    'let best = 0;',
    `let m = z[n * ${F}];`,
    `for (let f = 1; f < ${F}; f++) {`,
    `if (z[n * ${F} + f] > m) {`, `m = z[n * ${F} + f];`, 'best = f;', '}',
    '}',
    'if (best === Math.floor(targets[n] + 0.5)) correct += 1;',
    '}',
    'return correct;',
  ]);
}

/** dL/dz[n,f] = (p[n,f] − [f == target[n]]) / N (generated; the element at `I`, i32 off webasm). */
function gradSource(a: Addressing, F: number, N: number): GeneratedKernel {
  return elementwise(a.grid === true, [['f', F]], [['n', N]], ['p', 'targets'], ({ I }) => [
    `let g = p[${I}];`,
    'if (f === Math.floor(targets[n] + 0.5)) {', `g = p[${I}] - 1;`, '}',
    `return g / ${N};`,
  ], a);
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
  exactIndex: true,
  compile(ctx) {
    const F = ctx.outShape[0];
    const N = ctx.batch;
    // webasm: its fast grid (tensors under 2^24 there); elsewhere i32 offsets (exactIndex)
    const a: Addressing = ctx.grid === true ? { grid: true } : { exact: true };
    const f = forwardSource(a, F, N);
    const fwd = ctx.kernel(f.source, f.size);
    const loss = ctx.kernel(crossEntropySource(F, N), 1);
    const correct = ctx.kernel(countCorrectSource(F, N), 1);
    const gs = gradSource(a, F, N);
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
