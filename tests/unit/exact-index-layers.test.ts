/**
 * BatchNorm, LRN, Softmax, Concat, GlobalAvgPool, Dropout, Flatten, Add and Regression past 2^24
 * values (EXACT_INDEX in layers/conv-codegen.ts): on webgpu gpu.js keeps kernel variables in
 * f32, so an index held in one rounds to a neighbour past 16,777,216. These layers address with
 * inline i32 offsets there (exactIndex in their specs); each runs forward and backward at batch 1
 * just past 2^24 values and matches a plain JavaScript reference at a few hundred positions, the
 * ones past 2^24 included. (cpu runs plain JavaScript: exact by construction; webasm refuses such
 * tensors before training, backend/limits.ts.)
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseProject } from '../../src/engine/io/project';
import { getLayer } from '../../src/engine/layers/index';
import { compileGraph } from '../../src/engine/train/network';
import { EXACT_INDEX } from '../../src/engine/layers/conv-codegen';
import { counterUniform, saltOf, stepCounter } from '../../src/engine/layers/counter-random';
import { layerRunner, type LayerRun } from '../../src/engine/train/layer-harness';
import type { Shape } from '../../src/engine/graph/types';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { firstMismatch, pattern, samplePositions } from '../helpers/exact-index';

// 1,025 channels of 128 × 128: 16,793,600 values, the last channel past 2^24
const C = 1025;
const H = 128;
const W = 128;
const HW = H * W;
const IMAGE = C * HW;

const gpu = TEST_BACKENDS.includes('webgpu');

async function runLayer(type: string, params: Record<string, unknown>, inShapes: Shape[], batch: number, data: Parameters<ReturnType<typeof layerRunner>['run']>[0]): Promise<LayerRun> {
  const runner = layerRunner(await deviceFor('webgpu'), type, params, inShapes, batch);
  try {
    return await runner.run(data);
  } finally {
    runner.destroy();
  }
}

const expectMatch = (m: string | null) => expect(m ?? 'all match').toBe('all match');

describe('layers past 2^24 values on webgpu', () => {
  it('the image is bigger than the f32-exact range', () => expect(IMAGE).toBeGreaterThan(EXACT_INDEX));

  it('every layer of the registry indexes exactly (exactIndex)', () => {
    for (const type of ['BatchNorm', 'LRN', 'Softmax', 'Concat', 'GlobalAvgPool', 'Dropout', 'Flatten', 'Add', 'Regression', 'Input']) {
      expect(getLayer(type)?.exactIndex, type).toBe(true);
    }
  });

  it.runIf(gpu)('ResNet-50 and DenseNet-121 at batch 32 pass the limits (BatchNorm, Concat, Add past 2^24: refused before)', async () => {
    const device = await deviceFor('webgpu');
    for (const name of ['resnet50', 'densenet121']) {
      const project = parseProject(JSON.parse(readFileSync(new URL(`../../resources/presets/${name}.convas.json`, import.meta.url), 'utf8')));
      expect(() => compileGraph(project.graph, device, 32), name).not.toThrow();
    }
  }, 120_000);

  it.runIf(gpu)('BatchNorm (training): output, input gradient, γ/β gradients and running statistics', async () => {
    const x = new Float32Array(IMAGE).map((_, i) => pattern(i));
    const dy = new Float32Array(IMAGE).map((_, i) => pattern(i, 5, 11));
    const gamma = new Float32Array(C).map((_, c) => 1 + (c % 3) * 0.5);
    const beta = new Float32Array(C).map((_, c) => (c % 4) - 1.5);
    const r = await runLayer('BatchNorm', {}, [[C, H, W]], 1, { inputs: [x], params: { weight: gamma, bias: beta }, state: { running_mean: new Float32Array(C), running_var: new Float32Array(C).fill(1) }, gradOutput: dy });
    // per-channel sums in doubles, for the channels the samples touch
    const stats = new Map<number, { mean: number; variance: number; dBeta: number; dGamma: number }>();
    const of = (c: number) => {
      let s = stats.get(c);
      if (!s) {
        let sum = 0;
        for (let p = 0; p < HW; p++) sum += x[c * HW + p];
        const mean = sum / HW;
        let sq = 0;
        let dBeta = 0;
        let dxm = 0;
        for (let p = 0; p < HW; p++) {
          const d = x[c * HW + p] - mean;
          sq += d * d;
          dBeta += dy[c * HW + p];
          dxm += dy[c * HW + p] * d;
        }
        const variance = sq / HW;
        stats.set(c, (s = { mean, variance, dBeta, dGamma: dxm / Math.sqrt(variance + 1e-5) }));
      }
      return s;
    };
    const at = samplePositions(IMAGE);
    const channels = [...new Set(at.map((i) => Math.floor(i / HW)))];
    const invStd = (c: number) => 1 / Math.sqrt(of(c).variance + 1e-5);
    expectMatch(firstMismatch('y', r.output, (i) => {
      const c = Math.floor(i / HW);
      return gamma[c] * (x[i] - of(c).mean) * invStd(c) + beta[c];
    }, at, 1e-4));
    expectMatch(firstMismatch('dx', r.inputGrads[0]!, (i) => {
      const c = Math.floor(i / HW);
      const s = of(c);
      const xhat = (x[i] - s.mean) * invStd(c);
      return (gamma[c] * invStd(c) / HW) * (HW * dy[i] - s.dBeta - xhat * s.dGamma);
    }, at, 1e-4));
    expectMatch(firstMismatch('dβ', r.paramGrads.bias, (c) => of(c).dBeta, channels, 1e-5));
    expectMatch(firstMismatch('dγ', r.paramGrads.weight, (c) => of(c).dGamma, channels, 1e-4));
    expectMatch(firstMismatch('running_mean', r.state.running_mean, (c) => 0.1 * of(c).mean, channels, 1e-5));
    expectMatch(firstMismatch('running_var', r.state.running_var, (c) => 0.9 + 0.1 * of(c).variance * (HW / (HW - 1)), channels, 1e-5));
  }, 300_000);

  it.runIf(gpu)('LRN: output and input gradient', async () => {
    const size = 5;
    const alpha = 1;
    const beta = 0.75;
    const k = 2;
    const x = new Float32Array(IMAGE).map((_, i) => pattern(i));
    const dy = new Float32Array(IMAGE).map((_, i) => pattern(i, 5, 11));
    const r = await runLayer('LRN', { size, alpha, beta, k }, [[C, H, W]], 1, { inputs: [x], gradOutput: dy });
    const LO = Math.floor(size / 2);
    const HI = Math.floor((size - 1) / 2);
    const inRange = (c: number) => c >= 0 && c < C;
    // d at channel c of pixel p
    const d = (c: number, p: number) => {
      let s = 0;
      for (let cc = c - LO; cc <= c + HI; cc++) if (inRange(cc)) s += x[cc * HW + p] ** 2;
      return k + (alpha / size) * s;
    };
    const at = samplePositions(IMAGE);
    expectMatch(firstMismatch('y', r.output, (i) => x[i] * d(Math.floor(i / HW), i % HW) ** -beta, at, 1e-5));
    expectMatch(firstMismatch('dx', r.inputGrads[0]!, (i) => {
      const j = Math.floor(i / HW);
      const p = i % HW;
      let s = 0;
      for (let c = j - HI; c <= j + LO; c++) if (inRange(c)) s += dy[c * HW + p] * x[c * HW + p] * d(c, p) ** (-beta - 1);
      return dy[i] * d(j, p) ** -beta - ((2 * alpha * beta) / size) * x[i] * s;
    }, at, 1e-4));
  }, 300_000);

  it.runIf(gpu)('Softmax: probabilities, loss and the loss gradient (33 classes × 508,401 samples)', async () => {
    const F = 33;
    const N = Math.ceil((EXACT_INDEX + 1) / F);
    const z = new Float32Array(N * F).map((_, i) => pattern(i) * 0.25);
    const targets = new Float32Array(N).map((_, n) => (n * 5) % F);
    const r = await runLayer('Softmax', {}, [[F]], N, { inputs: [z], targets });
    // each sample's log Σ e^(z − max) and max
    const row = (n: number) => {
      let m = -Infinity;
      for (let f = 0; f < F; f++) m = Math.max(m, z[n * F + f]);
      let s = 0;
      for (let f = 0; f < F; f++) s += Math.exp(z[n * F + f] - m);
      return { m, s };
    };
    const prob = (i: number) => {
      const { m, s } = row(Math.floor(i / F));
      return Math.exp(z[i] - m) / s;
    };
    const at = samplePositions(N * F);
    expectMatch(firstMismatch('p', r.output, prob, at, 1e-5));
    expectMatch(firstMismatch('dz', r.inputGrads[0]!, (i) => (prob(i) - (i % F === targets[Math.floor(i / F)] ? 1 : 0)) / N, at, 1e-4, 1e-3 / N));
    let loss = 0;
    for (let n = 0; n < N; n++) {
      const { m, s } = row(n);
      loss += Math.log(s) + m - z[n * F + targets[n]];
    }
    // 508,401 per-sample losses, summed in blocks of 1,024 (one f32 sum was 5e-4 off)
    expect(Math.abs(r.loss! - loss / N)).toBeLessThan(1e-5 * (loss / N));
  }, 300_000);

  it.runIf(gpu)('Concat: the joined channels and each input’s gradient', async () => {
    const CA = 512;
    const CB = C - CA;
    const a = new Float32Array(CA * HW).map((_, i) => pattern(i));
    const b = new Float32Array(CB * HW).map((_, i) => 100 + pattern(i, 5, 11));
    const dy = new Float32Array(IMAGE).map((_, i) => pattern(i, 3, 17));
    const r = await runLayer('Concat', {}, [[CA, H, W], [CB, H, W]], 1, { inputs: [a, b], gradOutput: dy });
    expectMatch(firstMismatch('y', r.output, (i) => (i < CA * HW ? a[i] : b[i - CA * HW]), samplePositions(IMAGE), 0));
    expectMatch(firstMismatch('da', r.inputGrads[0]!, (i) => dy[i], samplePositions(CA * HW), 0));
    // b's gradient is read from the delta's far end, past 2^24
    expectMatch(firstMismatch('db', r.inputGrads[1]!, (i) => dy[CA * HW + i], samplePositions(CB * HW), 0));
  }, 300_000);

  it.runIf(gpu)('GlobalAvgPool: every channel mean and the spread gradient', async () => {
    const x = new Float32Array(IMAGE).map((_, i) => pattern(i));
    const dy = new Float32Array(C).map((_, c) => (c % 7) - 3 + 0.5);
    const r = await runLayer('GlobalAvgPool', {}, [[C, H, W]], 1, { inputs: [x], gradOutput: dy });
    const mean = (c: number) => {
      let s = 0;
      for (let p = 0; p < HW; p++) s += x[c * HW + p];
      return s / HW;
    };
    expectMatch(firstMismatch('y', r.output, mean, Array.from({ length: C }, (_, c) => c), 1e-6));
    expectMatch(firstMismatch('dx', r.inputGrads[0]!, (i) => dy[Math.floor(i / HW)] / HW, samplePositions(IMAGE), 0));
  }, 300_000);

  it.runIf(gpu)('Dropout: the device mask at every sampled element, both ways, and elements 2^24 apart draw apart', async () => {
    const x = new Float32Array(IMAGE).map((_, i) => pattern(i));
    const dy = new Float32Array(IMAGE).map((_, i) => pattern(i, 5, 11));
    const counter = stepCounter(5, 9);
    const r = await runLayer('Dropout', { rate: 0.5 }, [[C, H, W]], 1, { inputs: [x], gradOutput: dy, counter });
    const salt = saltOf('Dropout', 'mask');
    const kept = (i: number) => counterUniform(counter, salt, i) >= 0.5;
    const at = samplePositions(IMAGE);
    expectMatch(firstMismatch('y', r.output, (i) => (kept(i) ? x[i] * 2 : 0), at, 0));
    expectMatch(firstMismatch('dx', r.inputGrads[0]!, (i) => (kept(i) ? dy[i] * 2 : 0), at, 0));
    // the draws past 2^24 are not those of the elements 2^24 before them
    const past = at.filter((i) => i >= EXACT_INDEX);
    const same = past.filter((i) => counterUniform(counter, salt, i) === counterUniform(counter, salt, i - EXACT_INDEX)).length;
    expect(past.length).toBeGreaterThan(50);
    expect(same).toBe(0);
  }, 300_000);

  it.runIf(gpu)('Flatten and Add: copies and sums', async () => {
    const x = new Float32Array(IMAGE).map((_, i) => pattern(i));
    const dy = new Float32Array(IMAGE).map((_, i) => pattern(i, 5, 11));
    const at = samplePositions(IMAGE);
    const f = await runLayer('Flatten', {}, [[C, H, W]], 1, { inputs: [x], gradOutput: dy });
    expectMatch(firstMismatch('flatten y', f.output, (i) => x[i], at, 0));
    expectMatch(firstMismatch('flatten dx', f.inputGrads[0]!, (i) => dy[i], at, 0));
    const b = new Float32Array(IMAGE).map((_, i) => 0.25 * pattern(i, 3, 17));
    const s = await runLayer('Add', {}, [[C, H, W], [C, H, W]], 1, { inputs: [x, b], gradOutput: dy });
    expectMatch(firstMismatch('add y', s.output, (i) => x[i] + b[i], at, 0));
  }, 300_000);

  it.runIf(gpu)('Regression: the loss (blocks of blocks, read past 2^24) and its gradient', async () => {
    const z = new Float32Array(IMAGE).map((_, i) => pattern(i));
    const y = new Float32Array(IMAGE).map((_, i) => pattern(i, 5, 11));
    const r = await runLayer('Regression', {}, [[IMAGE]], 1, { inputs: [z], targets: y });
    let sq = 0;
    for (let i = 0; i < IMAGE; i++) sq += (z[i] - y[i]) ** 2;
    expect(Math.abs(r.loss! - sq / IMAGE) / (sq / IMAGE)).toBeLessThan(1e-5);
    expectMatch(firstMismatch('dz', r.inputGrads[0]!, (i) => (2 * (z[i] - y[i])) / IMAGE, samplePositions(IMAGE), 1e-5, 1 / IMAGE));
  }, 300_000);
});
