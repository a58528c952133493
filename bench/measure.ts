/**
 * The timing protocol every engine follows: warm-up steps, then timed runs of a fixed number of
 * steps, samples/s from the median run. One place, so Convas and its peers are timed alike (the
 * PyTorch peer reimplements exactly this loop in Python, fed the same `Protocol`).
 */
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
  /** 1-minute load average before and after: other processes on the machine skew the number. */
  load?: [number, number];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Warm up, then time runs of `step` (which must finish its work, read-back included, before it
 * resolves). The protocol's counts are kept when they fit the budget; a slow step (software
 * WebGPU on 2 cores takes tens of seconds for the CIFAR net) shrinks them, down to a floor of
 * one warm-up step (it compiles the kernels) and two timed runs of one step, so every engine
 * still yields a number without eating the whole bench. What was used comes back with the times.
 */
export async function timeRuns(step: () => Promise<void>, p: Protocol): Promise<{ runSeconds: number[]; steps: number; warmup: number }> {
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  const timed = async () => {
    const t0 = performance.now();
    await step();
    return (performance.now() - t0) / 1000;
  };
  let last = await timed();
  let warmup = 1;
  const floorRuns = Math.min(2, p.runs);
  while (warmup < p.warmup && elapsed() + last * (1 + floorRuns) <= p.budgetSeconds) {
    last = await timed();
    warmup++;
  }
  const left = Math.max(0, p.budgetSeconds - elapsed());
  const steps = Math.max(1, Math.min(p.steps, Math.floor(left / Math.max(last, 1e-9) / p.minRuns)));
  const runSeconds: number[] = [];
  while (runSeconds.length < p.runs) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) await step();
    runSeconds.push((performance.now() - t0) / 1000);
    const enough = runSeconds.length >= p.minRuns || (steps === 1 && runSeconds.length >= floorRuns);
    if (enough && elapsed() > p.budgetSeconds) break;
  }
  return { runSeconds, steps, warmup };
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
  t: { runSeconds: number[]; steps: number; warmup: number },
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
