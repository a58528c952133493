/**
 * Convas's side: the workload compiled into one training-step plan (`compileTrainStep`) on a
 * gpu.js device, fed the weights and optimizer state the previous step returned — the loop the
 * training worker runs.
 */
import { availableParallelism } from 'node:os';
import type { Device } from '../src/engine/backend/device';
import { createNodeDevice } from '../src/engine/backend/node';
import { size } from '../src/engine/layers/spec';
import { compileTrainStep, type TrainStep } from '../src/engine/train/network';
import { initWeights, type WeightMap } from '../src/engine/train/weights';
import { Rng } from '../src/engine/util/rng';
import { breakdownSeconds, breakdownStep } from './breakdown';
import { median, toMeasurement, type EngineResult, type EngineSession, type Measurement, type Protocol } from './measure';
import type { Workload } from './workloads';

export type ConvasBackend = 'webgpu' | 'webasm';

/**
 * The device, with every plan pinned to gpu.js's single-threaded webasm executor when
 * `threads` is 1 — compileTrainStep takes no plan options, so the bench wraps `plan` instead.
 */
export function withThreads(device: Device, threads: number): Device {
  if (device.mode !== 'webasm' || threads !== 1) return device;
  return Object.assign(Object.create(device) as Device, {
    plan: (arity: number, body: (...args: unknown[]) => unknown[], options?: { threads?: boolean }) => device.plan(arity, body, { ...options, threads: false }),
  });
}

/** Threads a webasm plan actually ran on, from gpu.js's executor report. */
export function webasmThreads(executorKind: string): number {
  if (executorKind === 'fused-threaded') return availableParallelism();
  if (executorKind === 'fused-sync') return 1;
  throw new Error(`webasm training step ran on gpu.js's "${executorKind}" executor, not a fused one: its timings would not be Convas's`);
}

/** Seeded batch and targets; dropout draws its masks on the device from (seed, step), as the worker does. */
export interface ConvasTraining {
  step: TrainStep;
  x: Float32Array;
  targets: Float32Array;
  weights: WeightMap;
  optimizerState: WeightMap;
  rng: Rng;
  t: number;
  /** One training step, weights and slots carried over. Returns the loss. */
  next(): Promise<number>;
}

export function prepareTraining(w: Workload, device: Device, seed: number): ConvasTraining {
  const step = compileTrainStep(w.graph, device, { batch: w.batch, optimizer: w.optimizer });
  const g = step.graph;
  const rng = new Rng(seed);
  const x = rng.fill(new Float32Array(w.batch * size(g.input.outputShape!)));
  const classes = size(g.output!.outputShape!);
  const targets = Float32Array.from({ length: w.batch }, () => rng.int(classes));
  const tr: ConvasTraining = {
    step,
    x,
    targets,
    weights: initWeights(g.report, 'msra', seed),
    optimizerState: {},
    rng,
    t: 0,
    async next() {
      tr.t++;
      const out = await step.run({ x, targets, weights: tr.weights, optimizerState: tr.optimizerState, step: tr.t, seed });
      tr.weights = out.weights;
      tr.optimizerState = out.optimizerState;
      if (!Number.isFinite(out.loss)) throw new Error(`convas ${w.name}: loss became ${out.loss} at step ${tr.t}`);
      return out.loss;
    },
  };
  return tr;
}

/**
 * Convas on one backend, ready to step. `finish` checks that gpu.js ran what was asked, and, if
 * `breakdownBudget` seconds (0: none) cover the estimate, splits the step into its parts on the
 * same device and weights.
 */
export async function openConvas(w: Workload, backend: ConvasBackend, threads: number | null, p: Protocol, breakdownBudget = 0): Promise<EngineSession> {
  const base = await createNodeDevice(backend);
  let tr: ConvasTraining;
  try {
    tr = prepareTraining(w, threads === null ? base : withThreads(base, threads), p.seed);
  } catch (e) {
    base.destroy();
    throw e;
  }
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    tr.step.destroy();
    base.destroy();
  };
  return {
    label: `convas ${backend}${backend === 'webasm' ? (threads === 1 ? ', 1 thread' : ', threaded') : ''}`,
    async step(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await tr.next();
      return (performance.now() - t0) / 1000;
    },
    async finish(timing) {
      try {
        if (tr.step.backend !== backend) throw new Error(`convas ${w.name}: asked for ${backend}, gpu.js ran ${tr.step.backend}`);
        const ran = backend === 'webasm' ? webasmThreads(tr.step.executorKind) : 0;
        if (threads !== null && backend === 'webasm' && ran !== threads) throw new Error(`convas ${w.name}: asked for ${threads} webasm thread(s), gpu.js ran ${tr.step.executorKind}`);
        const measurement: Measurement = {
          ...toMeasurement(w, 'convas', backend, ran, p, timing),
          device: `gpu.js ${tr.step.executorKind}${base.adapter ? `, ${base.adapter}` : ''}`,
          params: tr.step.graph.report.totals.params,
        };
        const result: EngineResult = { measurement };
        if (breakdownBudget > 0) {
          const stepSeconds = median(timing.runSeconds) / timing.steps;
          const need = breakdownSeconds(stepSeconds);
          if (need <= breakdownBudget) result.breakdown = await breakdownStep(w, tr, ran, stepSeconds * 1000);
          else result.breakdownSkipped = `a step takes ${stepSeconds.toFixed(1)} s here, a breakdown would take ~${Math.round(need)} s (budget ${breakdownBudget} s; raise it with --breakdown-budget)`;
        }
        return result;
      } finally {
        close();
      }
    },
    close,
  };
}
