/**
 * `layerSuite(name, cases)`: for every case, forward output, input gradients, parameter
 * gradients and updated state against PyTorch (one Python process per file), on every test
 * backend; and central finite differences of the engine's own forward on the cpu backend.
 *
 *   layerSuite('Conv2D', [
 *     { type: 'Conv2D', params: { filters: 4, kernelSize: [3, 3], stride: [2, 2] }, inShapes: [[3, 9, 9]] },
 *   ]);
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getLayer } from '../../src/engine/layers/index';
import { counterUniforms, stepCounter } from '../../src/engine/layers/counter-random';
import { resolveParams } from '../../src/engine/layers/params';
import { size } from '../../src/engine/layers/spec';
import { layerRunner, type LayerRun } from '../../src/engine/train/layer-harness';
import { Rng } from '../../src/engine/util/rng';
import { TEST_BACKENDS, deviceFor } from './backends';
import { expectClose } from './compare';
import { torchReference } from './torch';

export interface LayerCase {
  type: string;
  params: Record<string, unknown>;
  inShapes: number[][];
  batch?: number;
  training?: boolean;
  /** Inputs as a shuffled ramp of distinct values (no ties for max pooling). */
  distinct?: boolean;
  /** Relative tolerance against PyTorch (default 1e-4). */
  tol?: number;
  /** Skip the finite-difference check (e.g. non-differentiable at the sampled points). */
  noFiniteDifference?: boolean;
  name?: string;
}

interface CaseData {
  batch: number;
  inputs: Float32Array[];
  params: Record<string, Float32Array>;
  state: Record<string, Float32Array>;
  /** The step counter the layer draws from on the device (see layers/counter-random.ts)… */
  counter: Float32Array;
  /** …and the draws it makes from it, computed in JavaScript for PyTorch. */
  random: Record<string, Float32Array>;
  gradOutput?: Float32Array;
  targets?: Float32Array;
  paramShapes: Record<string, number[]>;
  stateShapes: Record<string, number[]>;
  outSize: number;
}

function uniform(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.random();
  return a;
}

function makeData(c: LayerCase, seed: number): CaseData {
  const spec = getLayer(c.type);
  if (!spec) throw new Error(`unknown layer ${c.type}`);
  const p = resolveParams<Record<string, unknown>>(c.type, spec.params, c.params);
  const batch = c.batch ?? 2;
  const rng = new Rng(seed);
  const outShape = spec.outputShape(c.inShapes, p);
  const inputs = c.inShapes.map((s) => {
    const n = batch * size(s);
    if (!c.distinct) return uniform(rng, n);
    const ramp = Array.from({ length: n }, (_, i) => -1 + (2 * i) / n);
    rng.shuffle(ramp);
    return Float32Array.from(ramp);
  });
  const paramShapes = spec.paramShapes?.(c.inShapes, p) ?? {};
  const stateShapes = spec.stateShapes?.(c.inShapes, p) ?? {};
  const params = Object.fromEntries(Object.entries(paramShapes).map(([k, s]) => [k, uniform(rng, size(s), -0.5, 0.5)]));
  const state = Object.fromEntries(Object.entries(stateShapes).map(([k, s]) => [k, k.includes('var') ? uniform(rng, size(s), 0.5, 1.5) : uniform(rng, size(s))]));
  const counter = stepCounter(seed, 1);
  // the harness compiles the layer under its type as node id
  const random = Object.fromEntries(Object.entries((c.training ?? true) ? (spec.randomInputs?.(c.inShapes, p, batch) ?? {}) : {}).map(([k, n]) => [k, counterUniforms(counter, c.type, k, n)]));
  const outSize = batch * size(outShape);
  const d: CaseData = { batch, inputs, params, state, counter, random, paramShapes, stateShapes, outSize };
  if (spec.output?.targets === 'class') d.targets = Float32Array.from({ length: batch }, () => rng.int(outShape[0]));
  else if (spec.output) d.targets = uniform(rng, outSize);
  else d.gradOutput = uniform(rng, outSize);
  return d;
}

function caseName(c: LayerCase): string {
  return c.name ?? `${JSON.stringify(c.params)} on ${c.inShapes.map((s) => s.join('×')).join(' + ')} (batch ${c.batch ?? 2}${c.training === false ? ', inference' : ''})`;
}

type TorchLayerResult = { output: number[]; inputGrads: (number[] | null)[]; paramGrads: Record<string, number[]>; state: Record<string, number[]>; loss?: number };

export function layerSuite(title: string, cases: LayerCase[]): void {
  const data = cases.map((c, i) => makeData(c, 1000 + i));
  let reference: TorchLayerResult[] = [];
  beforeAll(async () => {
    reference = await torchReference<TorchLayerResult>(
      cases.map((c, i) => {
        const d = data[i];
        return {
          kind: 'layer',
          type: c.type,
          layerParams: c.params,
          batch: d.batch,
          inShapes: c.inShapes,
          inputs: d.inputs,
          params: Object.fromEntries(Object.entries(d.params).map(([k, v]) => [k, { data: v, shape: d.paramShapes[k] }])),
          state: Object.fromEntries(Object.entries(d.state).map(([k, v]) => [k, { data: v, shape: d.stateShapes[k] }])),
          random: d.random,
          gradOutput: d.gradOutput,
          targets: d.targets ?? null,
          training: c.training ?? true,
        };
      }),
    );
  }, 120_000);

  const run = async (backend: (typeof TEST_BACKENDS)[number], c: LayerCase, d: CaseData, over?: Partial<CaseData>): Promise<LayerRun> => {
    const device = await deviceFor(backend);
    const runner = layerRunner(device, c.type, c.params, c.inShapes, d.batch, c.training ?? true);
    try {
      return await runner.run({ ...d, ...over });
    } finally {
      runner.destroy();
    }
  };

  describe(`${title} matches PyTorch`, () => {
    for (const backend of TEST_BACKENDS) {
      describe(backend, () => {
        cases.forEach((c, i) => {
          it(caseName(c), async () => {
            const d = data[i];
            const ref = reference[i];
            const ours = await run(backend, c, d);
            const tol = c.tol ?? 1e-4;
            expectClose(ours.output, ref.output, tol, 'forward output');
            if (ref.loss !== undefined) expect(Math.abs(ours.loss! - ref.loss)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(ref.loss)));
            ref.inputGrads.forEach((g, k) => {
              if (g) expectClose(ours.inputGrads[k]!, g, tol, `gradient of input ${k}`);
            });
            for (const [k, g] of Object.entries(ref.paramGrads)) expectClose(ours.paramGrads[k], g, tol, `gradient of ${k}`);
            for (const [k, s] of Object.entries(ref.state)) expectClose(ours.state[k], s, tol, `state ${k}`);
          });
        });
      });
    }
  });

  describe(`${title} gradients match finite differences (cpu)`, () => {
    cases.forEach((c, i) => {
      if (c.noFiniteDifference) return;
      it(caseName(c), async () => {
        const d = data[i];
        const base = await run('cpu', c, d);
        const objective = (r: LayerRun): number => {
          if (r.loss !== undefined) return r.loss;
          let s = 0;
          for (let j = 0; j < r.output.length; j++) s += r.output[j] * d.gradOutput![j];
          return s;
        };
        const eps = 1e-2;
        const rng = new Rng(7 + i);
        const probe = async (label: string, arr: Float32Array, analytic: Float32Array, patch: (a: Float32Array) => Partial<CaseData>) => {
          for (let t = 0; t < 4; t++) {
            const j = rng.int(arr.length);
            const plus = arr.slice();
            plus[j] += eps;
            const minus = arr.slice();
            minus[j] -= eps;
            const fd = (objective(await run('cpu', c, d, patch(plus))) - objective(await run('cpu', c, d, patch(minus)))) / (2 * eps);
            const err = Math.abs(fd - analytic[j]);
            expect(err, `${label}[${j}]: finite difference ${fd}, analytic ${analytic[j]}`).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(fd)));
          }
        };
        for (let k = 0; k < d.inputs.length; k++) {
          await probe(`input ${k}`, d.inputs[k], base.inputGrads[k]!, (a) => ({ inputs: d.inputs.map((x, m) => (m === k ? a : x)) }));
        }
        for (const [name, arr] of Object.entries(d.params)) {
          await probe(name, arr, base.paramGrads[name], (a) => ({ params: { ...d.params, [name]: a } }));
        }
      });
    });
  });
}
