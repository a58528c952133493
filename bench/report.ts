/** The bench's human-readable output: tables of samples/s, ratios against the targets, breakdowns. */
import type { StepBreakdown } from './types';
import type { EngineName, Measurement } from './measure';
import type { ShapeCheckTiming } from './shapecheck';
import type { WorkloadName } from './workloads';

/** Pad cells into aligned columns; numeric-looking cells are right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const numeric = /^[-~+]?[\d,.]+[×%]?$|^—$/;
  return rows
    .map((r, i) =>
      r
        .map((cell, c) => (i > 0 && numeric.test(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function fmtRate(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const fmtMs = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Bytes per step, and their share of the weights + optimizer state (what one-step plans moved twice per step). */
function fmtBytes(m: Measurement): string {
  if (m.bytesPerStep === undefined) return '';
  const kb = `${Math.round(m.bytesPerStep / 1024).toLocaleString('en-US')} KiB`;
  const share = m.stateBytes ? ` (${((100 * m.bytesPerStep) / m.stateBytes).toFixed(1)}% of state, ${+(m.stepsPerCall ?? 1).toFixed(1)} steps/call)` : '';
  return kb + share;
}

export function measurementTable(ms: Measurement[]): string {
  const rows = [['workload', 'engine', 'backend', 'threads', 'samples/s', 'runs × steps', 'bytes/step', 'load', 'note']];
  for (const m of ms) {
    const load = m.load ? `${m.load[0].toFixed(1)}→${m.load[1].toFixed(1)}` : '';
    rows.push([m.workload, m.engine, m.backend, m.threads ? String(m.threads) : '—', fmtRate(m.samplesPerSecond), `${m.runSeconds.length} × ${m.steps}`, fmtBytes(m), load, m.note ?? '']);
  }
  return table(rows);
}

interface RatioSpec {
  workload: WorkloadName;
  label: string;
  num: { engine: EngineName; backend: string; threads?: number };
  den: { engine: EngineName; backend: string; threads?: number };
  target?: number;
}

// CPU targets: issue 14 (webasm ≥ 0.2× PyTorch, single-threaded and on all cores — 2 on the dev machine)
const RATIOS: RatioSpec[] = [
  { workload: 'mnist-cnn', label: 'GPU: convas-webgpu / tfjs-webgpu', num: { engine: 'convas', backend: 'webgpu' }, den: { engine: 'tfjs', backend: 'webgpu' }, target: 1.0 },
  { workload: 'mnist-cnn', label: 'CPU: convas-webasm / pytorch, 1 thread', num: { engine: 'convas', backend: 'webasm', threads: 1 }, den: { engine: 'pytorch', backend: 'cpu', threads: 1 }, target: 0.2 },
  { workload: 'mnist-cnn', label: 'CPU: convas-webasm / pytorch, 2 threads', num: { engine: 'convas', backend: 'webasm', threads: 2 }, den: { engine: 'pytorch', backend: 'cpu', threads: 2 }, target: 0.2 },
  { workload: 'mnist-cnn', label: 'GPU: convas-webgpu / pytorch-cuda', num: { engine: 'convas', backend: 'webgpu' }, den: { engine: 'pytorch', backend: 'cuda' }, target: 1.0 },
  { workload: 'cifar-keras', label: 'GPU: convas-webgpu / tfjs-webgpu', num: { engine: 'convas', backend: 'webgpu' }, den: { engine: 'tfjs', backend: 'webgpu' }, target: 5.0 },
  { workload: 'cifar-keras', label: 'GPU: convas-webgpu / pytorch-cuda', num: { engine: 'convas', backend: 'webgpu' }, den: { engine: 'pytorch', backend: 'cuda' }, target: 0.25 },
  { workload: 'vgg16-224', label: 'GPU: convas-webgpu / pytorch-cuda', num: { engine: 'convas', backend: 'webgpu' }, den: { engine: 'pytorch', backend: 'cuda' }, target: 0.1 },
  { workload: 'vgg16-224', label: 'GPU: convas-webgpu / tfjs-webgpu', num: { engine: 'convas', backend: 'webgpu' }, den: { engine: 'tfjs', backend: 'webgpu' } },
  { workload: 'resnet8', label: 'GPU: convas-webgpu / pytorch-cuda', num: { engine: 'convas', backend: 'webgpu' }, den: { engine: 'pytorch', backend: 'cuda' } },
  { workload: 'cifar-keras', label: 'CPU: convas-webasm / pytorch, 1 thread', num: { engine: 'convas', backend: 'webasm', threads: 1 }, den: { engine: 'pytorch', backend: 'cpu', threads: 1 }, target: 0.2 },
  { workload: 'cifar-keras', label: 'CPU: convas-webasm / pytorch, 2 threads', num: { engine: 'convas', backend: 'webasm', threads: 2 }, den: { engine: 'pytorch', backend: 'cpu', threads: 2 }, target: 0.2 },
];

function find(ms: Measurement[], w: WorkloadName, s: RatioSpec['num']): Measurement | undefined {
  return ms.find((m) => m.workload === w && m.engine === s.engine && m.backend === s.backend && (s.threads === undefined || m.threads === s.threads));
}

export interface Ratio {
  workload: WorkloadName;
  label: string;
  ratio: number;
  target?: number;
  met?: boolean;
}

export function ratios(ms: Measurement[]): Ratio[] {
  const out: Ratio[] = [];
  for (const r of RATIOS) {
    const a = find(ms, r.workload, r.num);
    const b = find(ms, r.workload, r.den);
    if (!a || !b) continue;
    const ratio = a.samplesPerSecond / b.samplesPerSecond;
    out.push({ workload: r.workload, label: r.label, ratio, target: r.target, met: r.target === undefined ? undefined : ratio >= r.target });
  }
  return out;
}

export function ratioTable(rs: Ratio[]): string {
  const rows = [['workload', 'ratio', 'value', 'target', 'met']];
  for (const r of rs) {
    rows.push([r.workload, r.label, `${r.ratio < 0.1 ? r.ratio.toFixed(3) : r.ratio.toFixed(2)}×`, r.target === undefined ? '' : `≥ ${r.target}×`, r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  }
  return table(rows);
}

export function breakdownTable(b: StepBreakdown): string {
  const pct = (v: number) => `${Math.round((100 * v) / b.stepMs) || 0}%`;
  const rows = [['part', 'type', 'forward ms', 'backward ms', 'share']];
  let f = 0;
  let g = 0;
  for (const l of b.layers) {
    f += l.forwardMs;
    g += l.backwardMs;
    rows.push([l.node, l.type, fmtMs(l.forwardMs), fmtMs(l.backwardMs), pct(l.forwardMs + l.backwardMs)]);
  }
  rows.push(['all layers', '', fmtMs(f), fmtMs(g), pct(f + g)]);
  rows.push(['optimizer update', '', '', fmtMs(b.updateMs), pct(b.updateMs)]);
  const per = b.stepsPerCall > 1 ? `, 1/${b.stepsPerCall} of a call` : '';
  rows.push([`upload (batches; weights, slots${per})`, '', '', fmtMs(b.uploadMs), pct(b.uploadMs)]);
  rows.push([`readback (losses; weights, slots → JS${per})`, '', '', fmtMs(b.readbackMs), pct(b.readbackMs)]);
  rows.push(['rest (dispatch, JS glue, noise)', '', '', fmtMs(b.restMs), pct(b.restMs)]);
  const head = `${b.workload} on ${b.backend}${b.threads ? ` (${b.threads} thread${b.threads > 1 ? 's' : ''})` : ''}, batch ${b.batch}: measured step ${fmtMs(b.stepMs)} ms`;
  return `${head}\n${table(rows)}\n(output layer: "backward" is the loss and its gradient; update/upload/readback figures go in the last column)`;
}

export function shapeCheckLine(s: ShapeCheckTiming): string {
  return `${s.graph}, ${s.nodes} nodes, ${s.params.toLocaleString('en-US')} parameters (matches the published count): inferShapes after a parameter change, median ${s.medianMs.toFixed(2)} ms, max ${s.maxMs.toFixed(2)} ms over ${s.runs} runs (target well under 100 ms)`;
}
