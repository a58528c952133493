/**
 * What the curve charts draw, as plain data (tested without a browser): for each run, its
 * training curve per step (or per epoch) and its validation curve per epoch, joined on one
 * x axis measured in epochs (so runs with different batch sizes or data sizes line up).
 */
import type { Curves } from '../platform/training';

export type Metric = 'loss' | 'accuracy';
export type Scale = 'step' | 'epoch';

export interface ChartRun {
  id: string;
  name: string;
  color: string;
  curves: Curves;
}

export interface ChartSeries {
  label: string;
  color: string;
  /** Validation curves are dashed, with a point per epoch. */
  kind: 'train-step' | 'train-epoch' | 'val-epoch';
  values: (number | null)[];
}

export interface ChartData {
  /** Epochs: fractional for steps (2.5 = halfway through epoch 3), whole for epoch ends. */
  x: number[];
  series: ChartSeries[];
}

/** A run in a legend: its number ("#3") when it has one, else its name cut short. */
export function shortName(name: string): string {
  const n = /^#\d+\b/.exec(name);
  if (n) return n[0];
  return name.length > 18 ? `${name.slice(0, 17)}…` : name;
}

type Table = { kind: ChartSeries['kind']; label: string; color: string; xs: number[]; ys: (number | null)[] };

function tables(run: ChartRun, metric: Metric, scale: Scale, tag: boolean): Table[] {
  const c = run.curves;
  const name = (what: string) => (tag ? `${shortName(run.name)} ${what}` : what);
  const out: Table[] = [];
  if (scale === 'step') {
    out.push({ kind: 'train-step', label: name('train'), color: run.color, xs: c.step.at, ys: metric === 'loss' ? c.step.loss : c.step.accuracy });
  } else {
    out.push({ kind: 'train-epoch', label: name('train'), color: run.color, xs: c.epoch.map((p) => p.epoch), ys: c.epoch.map((p) => (metric === 'loss' ? p.trainLoss : p.trainAccuracy)) });
  }
  out.push({ kind: 'val-epoch', label: name('validation'), color: run.color, xs: c.epoch.map((p) => p.epoch), ys: c.epoch.map((p) => (metric === 'loss' ? p.valLoss : p.valAccuracy)) });
  return out;
}

/**
 * Join the runs' tables on the union of their x values (null where a series has no point). A run
 * without the metric (a regression's accuracy) draws no series for it: not a line at 0 %, not an
 * empty legend entry.
 */
export function chartData(runs: ChartRun[], metric: Metric, scale: Scale): ChartData {
  const drawn = metric === 'accuracy' ? runs.filter((r) => hasMetric([r], 'accuracy')) : runs;
  const all = drawn.flatMap((r) => tables(r, metric, scale, runs.length > 1));
  const xs = [...new Set(all.flatMap((t) => t.xs))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const series = all.map((t) => {
    const values: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < t.xs.length; i++) {
      const y = t.ys[i];
      values[index.get(t.xs[i])!] = y !== null && Number.isFinite(y) ? y : null;
    }
    return { label: t.label, color: t.color, kind: t.kind, values };
  });
  return { x: xs, series };
}

/** Whether any run has a value for the metric (a regression run has no accuracy). */
export function hasMetric(runs: ChartRun[], metric: Metric): boolean {
  if (metric === 'loss') return runs.some((r) => r.curves.step.loss.length > 0 || r.curves.epoch.length > 0);
  return runs.some((r) => r.curves.step.accuracy.some((a) => a !== null) || r.curves.epoch.some((p) => p.trainAccuracy !== null || p.valAccuracy !== null));
}
