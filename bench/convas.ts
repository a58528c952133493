/**
 * Convas's side: the workload compiled into plans of several training steps (`compileTrainSteps`)
 * on a gpu.js device, fed the weights and optimizer state the previous call returned — the loop
 * the training worker runs — and the bytes those calls move between JS and the device.
 */
import { availableParallelism } from 'node:os';
import type { Device } from '../src/engine/backend/device';
import { createNodeDevice } from '../src/engine/backend/device.node.js';
import { size } from '../src/engine/layers/spec';
import { inferShapes } from '../src/engine/shapes/inferShapes';
import { maxChunkSteps, stateBytes } from '../src/engine/train/chunking';
import { compileTrainSteps, type TrainSteps } from '../src/engine/train/network';
import { initWeights, tensorSlots } from '../src/engine/train/weights';
import { Rng } from '../src/engine/util/rng';
import { breakdownSeconds, breakdownStep } from './breakdown';
import { median, toMeasurement, type EngineResult, type EngineSession, type Measurement, type Protocol } from './measure';
import type { ConvasTraining } from './types';
import type { Workload } from './workloads';

export type ConvasBackend = 'webgpu' | 'webasm';

/**
 * The device, with every plan pinned to gpu.js's single-threaded webasm executor when
 * `threads` is 1 — compileTrainSteps takes no plan options, so the bench wraps `plan` instead.
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

/**
 * Seeded batch and targets; dropout draws its masks on the device from (seed, step), as the worker
 * does. Steps run `stepsPerCall` to a plan call (the worker's chunks): the weights and optimizer
 * slots cross between JS and the device once per call each way, the batches once per step.
 */
export function prepareTraining(w: Workload, device: Device, seed: number, stepsPerCall = 1): ConvasTraining {
  if (!Number.isInteger(Math.log2(stepsPerCall))) throw new Error(`steps per call must be a power of two, got ${stepsPerCall}`);
  const plans = new Map<number, TrainSteps>();
  const plan = (k: number) => {
    let p = plans.get(k);
    if (!p) plans.set(k, (p = compileTrainSteps(w.graph, device, { batch: w.batch, optimizer: w.optimizer, steps: k })));
    return p;
  };
  const step = plan(1);
  const g = step.graph;
  const rng = new Rng(seed);
  const x = rng.fill(new Float32Array(w.batch * size(g.input.outputShape!)));
  const classes = size(g.output!.outputShape!);
  const targets = Float32Array.from({ length: w.batch }, () => rng.int(classes));
  const tr: ConvasTraining = {
    step,
    stepsPerCall,
    x,
    targets,
    weights: initWeights(g.report, 'msra', seed),
    optimizerState: {},
    rng,
    t: 0,
    async run(n) {
      let loss = NaN;
      for (let left = n; left > 0; ) {
        const k = Math.min(stepsPerCall, 2 ** Math.floor(Math.log2(left)));
        const out = await plan(k).run({ batches: Array.from({ length: k }, () => ({ x, targets })), weights: tr.weights, optimizerState: tr.optimizerState, firstStep: tr.t + 1, seed });
        tr.weights = out.weights;
        tr.optimizerState = out.optimizerState;
        tr.t += k;
        left -= k;
        loss = out.losses[k - 1];
        if (!out.losses.every(Number.isFinite)) throw new Error(`convas ${w.name}: loss became non-finite by step ${tr.t}`);
      }
      return loss;
    },
    bytesMoved: () => [...plans.values()].reduce((b, p) => b + p.traffic.bytesUp + p.traffic.bytesDown, 0),
    plans: () => plans,
    destroy: () => plans.forEach((p) => p.destroy()),
  };
  return tr;
}

/** The WebGPU adapter Dawn offers here (null: none), to decide whether GPU-only workloads can run. */
export async function webgpuAdapter(): Promise<string | null> {
  try {
    const d = await createNodeDevice('webgpu');
    const name = d.adapter;
    d.destroy();
    return name ?? 'unknown adapter';
  } catch {
    return null;
  }
}

/** Plan calls that `n` steps take at `k` steps per call (chunks of k, the rest in powers of two). */
export function callsFor(n: number, k: number): number {
  let calls = Math.floor(n / k);
  for (let r = n % k; r > 0; r &= r - 1) calls++;
  return calls;
}

/** The steps per call the worker reaches on a device fast enough: the memory-bound maximum. */
export function defaultStepsPerCall(w: Workload): number {
  const input = inferShapes(w.graph).nodes.find((n) => n.type === 'Input')!;
  return maxChunkSteps(w.batch * (size(input.outputShape!) + 1) * 4, workloadStateBytes(w));
}

/** Weights, BatchNorm statistics and optimizer slots of a workload, in bytes (what one-step plans move both ways every step). */
export function workloadStateBytes(w: Workload): number {
  return stateBytes(tensorSlots(inferShapes(w.graph)), w.optimizer.name);
}

/**
 * Convas on one backend, ready to step. `finish` checks that gpu.js ran what was asked, and, if
 * `breakdownBudget` seconds (0: none) cover the estimate, splits the step into its parts on the
 * same device and weights.
 */
export async function openConvas(w: Workload, backend: ConvasBackend, threads: number | null, p: Protocol, breakdownBudget = 0, stepsPerCall = defaultStepsPerCall(w)): Promise<EngineSession> {
  const base = await createNodeDevice(backend);
  let tr: ConvasTraining;
  try {
    tr = prepareTraining(w, threads === null ? base : withThreads(base, threads), p.seed, stepsPerCall);
  } catch (e) {
    base.destroy();
    throw e;
  }
  let open = true;
  /** Steps and bytes of each stepper call: the timed runs are the last ones. */
  const calls: { steps: number; bytes: number }[] = [];
  const close = () => {
    if (!open) return;
    open = false;
    tr.destroy();
    base.destroy();
  };
  const step = Object.assign(
    async (n: number) => {
      const bytes0 = tr.bytesMoved();
      const t0 = performance.now();
      await tr.run(n);
      const seconds = (performance.now() - t0) / 1000;
      calls.push({ steps: n, bytes: tr.bytesMoved() - bytes0 });
      return seconds;
    },
    {
      // the chunk plans a run of n steps uses compile on their first call: make that call here
      prepare: async (n: number) => {
        const t0 = performance.now();
        await tr.run(n);
        return (performance.now() - t0) / 1000;
      },
    },
  );
  return {
    label: `convas ${backend}${backend === 'webasm' ? (threads === 1 ? ', 1 thread' : ', threaded') : ''}`,
    step,
    async finish(timing) {
      try {
        if (tr.step.backend !== backend) throw new Error(`convas ${w.name}: asked for ${backend}, gpu.js ran ${tr.step.backend}`);
        for (const [k, plan] of tr.plans()) {
          if (plan.traffic.calls === 0) continue;
          if (plan.backend !== backend) throw new Error(`convas ${w.name}: the ${k}-step plan asked for ${backend}, gpu.js ran ${plan.backend}`);
          if (backend === 'webgpu' && plan.executorKind !== 'fused-encoder') throw new Error(`convas ${w.name}: the ${k}-step plan ran on gpu.js's "${plan.executorKind}" executor, not the fused encoder`);
          if (backend === 'webasm') webasmThreads(plan.executorKind);
        }
        // the timed runs' chunks: the longest plan that ran
        const main = [...tr.plans().entries()].filter(([, p]) => p.traffic.calls > 0).sort((x, y) => y[0] - x[0])[0]?.[1] ?? tr.step;
        const ran = backend === 'webasm' ? webasmThreads(main.executorKind) : 0;
        if (threads !== null && backend === 'webasm' && ran !== threads) throw new Error(`convas ${w.name}: asked for ${threads} webasm thread(s), gpu.js ran ${main.executorKind}`);
        const timed = calls.slice(-timing.runSeconds.length);
        const measurement: Measurement = {
          ...toMeasurement(w, 'convas', backend, ran, p, timing),
          device: `gpu.js ${main.executorKind}${base.adapter ? `, ${base.adapter}` : ''}`,
          params: tr.step.graph.report.totals.params,
          bytesPerStep: timed.reduce((b, c) => b + c.bytes, 0) / timed.reduce((n, c) => n + c.steps, 0),
          stepsPerCall: timing.steps / callsFor(timing.steps, tr.stepsPerCall),
          stateBytes: workloadStateBytes(w),
        };
        const result: EngineResult = { measurement };
        if (breakdownBudget > 0) {
          const stepSeconds = median(timing.runSeconds) / timing.steps;
          const need = breakdownSeconds(stepSeconds);
          if (need <= breakdownBudget) result.breakdown = await breakdownStep(w, tr, ran, stepSeconds * 1000, Math.min(tr.stepsPerCall, 2 ** Math.floor(Math.log2(timing.steps))));
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
