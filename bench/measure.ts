/**
 * The timing protocol every engine follows: warm-up steps, then timed runs of a fixed number of
 * steps, samples/s from the median run. One place, so Convas and its peers are timed alike (the
 * PyTorch peer reimplements exactly this loop in Python, fed the same `Protocol`).
 */
import type { StepBreakdown } from './types';
import type { WorkloadName } from './workloads';

export const ENGINES = ['convas', 'tfjs', 'pytorch'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface Protocol {
  warmup: number;
  /** Steps per timed run. */
  steps: number;
  /** Timed runs wanted; fewer once `minRuns` are done and the budget is spent. */
  runs: number;
  minRuns: number;
  /** Seconds one measurement may take (warm-up included) before runs are cut short. */
  budgetSeconds: number;
  seed: number;
}

export const FULL: Protocol = { warmup: 3, steps: 20, runs: 5, minRuns: 3, budgetSeconds: 30, seed: 7 };
export const QUICK: Protocol = { warmup: 3, steps: 20, runs: 1, minRuns: 1, budgetSeconds: 15, seed: 7 };

export interface Measurement {
  workload: WorkloadName;
  engine: EngineName;
  backend: string;
  threads: number;
  samplesPerSecond: number;
  batch: number;
  /** Steps per timed run actually used (fewer than the protocol's when a step is slow). */
  steps: number;
  runSeconds: number[];
  /** Anything a reader must know to interpret the number. */
  note?: string;
  /** What ran it: the WebGPU adapter, the torch version. */
  device?: string;
  /** Trainable parameters of the network as this engine built it (checked equal across engines). */
  params?: number;
  /** Convas: bytes moved between JS and the device per training step, averaged over the timed runs. */
  bytesPerStep?: number;
  /** Convas: training steps per plan call in the timed runs (weights and slots cross once per call). */
  stepsPerCall?: number;
  /** Convas: bytes of weights, BatchNorm statistics and optimizer slots (what bytesPerStep is compared with). */
  stateBytes?: number;
  /** 1-minute load average before and after: other processes on the machine skew the number. */
  load?: [number, number];
}

export interface EngineResult {
  measurement: Measurement;
  breakdown?: StepBreakdown;
  /** Why no breakdown was made, when one was wanted. */
  breakdownSkipped?: string;
}

/** One engine, set up on one workload and ready to step. */
export interface EngineSession {
  label: string;
  step: Stepper;
  /** Turn the timing into a result (follow-up work such as a breakdown reuses the state), then release everything. */
  finish(t: Timing): Promise<EngineResult>;
  /** Release everything without a result (another engine of the group failed). */
  close(): void;
}

/** A measurement that cannot run here, with the reason (printed as a skip line, not an error). */
export class BenchSkip extends Error {}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `n` training steps (read-back included) and returns their wall time in seconds. `prepare`,
 * where given, runs once, untimed, before the timed runs of `n` steps: an engine whose plans depend
 * on `n` (Convas's chunks of steps per call) compiles them there, not inside the first timed run.
 */
export type Stepper = ((n: number) => Promise<number>) & { prepare?: (n: number) => Promise<number> };

export interface Timing {
  runSeconds: number[];
  /** Steps per timed run. */
  steps: number;
  /** Warm-up steps done. */
  warmup: number;
}

/**
 * Warm up each engine, then time runs of each, interleaved run by run (A, B, A, B, …), so
 * engines compared by a ratio see the same machine: on a shared 2-core box the load changes
 * from minute to minute, and timing one engine after the other would put that drift into the
 * ratio. Each engine keeps its own budget. The protocol's counts are kept when they fit it; a
 * slow step (software WebGPU on 2 cores takes tens of seconds for the CIFAR net) shrinks them,
 * down to a floor of one warm-up step (it compiles the kernels) and two timed runs of one step,
 * so every engine still yields a number without eating the whole bench.
 */
export async function timeInterleaved(steppers: Stepper[], p: Protocol): Promise<(Timing | Error)[]> {
  const floorRuns = Math.min(2, p.runs);
  const state: { step: Stepper; spent: number; warmup: number; steps: number; runSeconds: number[]; done: boolean; error?: Error }[] = [];
  const guard = async (s: (typeof state)[number], f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      // One engine failing leaves the others measured.
      s.error = e instanceof Error ? e : new Error(String(e));
      s.done = true;
    }
  };
  for (const step of steppers) {
    const s = { step, spent: 0, warmup: 0, steps: 0, runSeconds: [] as number[], done: false };
    state.push(s);
    await guard(s, async () => {
      let last = await step(1);
      s.spent = last;
      s.warmup = 1;
      while (s.warmup < p.warmup && s.spent + last * (1 + floorRuns) <= p.budgetSeconds) {
        last = await step(1);
        s.spent += last;
        s.warmup++;
      }
      const left = Math.max(0, p.budgetSeconds - s.spent);
      s.steps = Math.max(1, Math.min(p.steps, Math.floor(left / Math.max(last, 1e-9) / p.minRuns)));
      if (step.prepare) s.spent += await step.prepare(s.steps);
    });
  }
  while (state.some((s) => !s.done)) {
    for (const s of state) {
      if (s.done) continue;
      await guard(s, async () => {
        const t = await s.step(s.steps);
        s.runSeconds.push(t);
        s.spent += t;
        const enough = s.runSeconds.length >= p.minRuns || (s.steps === 1 && s.runSeconds.length >= floorRuns);
        s.done = s.runSeconds.length >= p.runs || (enough && s.spent > p.budgetSeconds);
      });
    }
  }
  return state.map((s) => s.error ?? { runSeconds: s.runSeconds, steps: s.steps, warmup: s.warmup });
}

export function samplesPerSecond(batch: number, steps: number, runSeconds: readonly number[]): number {
  return (batch * steps) / median(runSeconds);
}

/** Says where a measurement departs from the protocol (a slow step under the budget). */
export function shortenedNote(p: Protocol, used: { warmup: number; steps: number; runs: number }): string | undefined {
  if (used.warmup >= p.warmup && used.steps >= p.steps && used.runs >= Math.min(p.runs, p.minRuns)) return undefined;
  return `${used.warmup} warm-up, ${used.runs} run${used.runs === 1 ? '' : 's'} of ${used.steps} step${used.steps === 1 ? '' : 's'} (budget ${p.budgetSeconds}s)`;
}

export function toMeasurement(
  w: { name: WorkloadName; batch: number },
  engine: EngineName,
  backend: string,
  threads: number,
  p: Protocol,
  t: Timing,
): Measurement {
  return {
    workload: w.name,
    engine,
    backend,
    threads,
    samplesPerSecond: samplesPerSecond(w.batch, t.steps, t.runSeconds),
    batch: w.batch,
    steps: t.steps,
    runSeconds: t.runSeconds,
    note: shortenedNote(p, { warmup: t.warmup, steps: t.steps, runs: t.runSeconds.length }),
  };
}
