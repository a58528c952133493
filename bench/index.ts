/**
 * `npm run bench`: Convas's training step against its peers on identical workloads.
 *   GPU: Convas on webgpu vs TensorFlow.js's WebGPU backend, on the same Dawn adapter, and vs
 *        PyTorch on CUDA when torch sees a GPU. VGG-16 at 224 and ResNet-8 run here only, and only
 *        on a hardware adapter (skipped, with the reason, on SwiftShader).
 *   CPU: Convas on webasm vs PyTorch, at 1 and 2 threads.
 * Every Convas row reports the bytes moved between JS and the device per step.
 * Plus where Convas's step time goes, and the VGG-16 shape-check latency.
 * `--json` prints one line per measurement and nothing else on stdout. See docs/bench.md.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { StepBreakdown } from './types';
import { defaultStepsPerCall, openConvas, webgpuAdapter } from './convas';
import { BenchSkip, ENGINES, FULL, QUICK, timeInterleaved, type EngineName, type EngineResult, type EngineSession, type Measurement, type Protocol } from './measure';
import { openPytorch } from './pytorch';
import { breakdownTable, measurementTable, ratios, ratioTable, shapeCheckLine } from './report';
import { benchShapeCheck } from './shapecheck';
import { openTfjs, TFJS_WASM_NOTE } from './tfjs';
import { WORKLOAD_NAMES, WORKLOADS, type WorkloadName } from './workloads';

const USAGE = `usage: npm run bench -- [options]
  --workload mnist-cnn|cifar-keras   only this workload (repeatable; default both)
  --engine convas|tfjs|pytorch       only this engine (repeatable; default all)
  --quick                            one timed run per measurement, tighter budget
  --steps <n>                        steps per timed run, every engine (default ${FULL.steps})
  --steps-per-call <k>               Convas: training steps per plan call, a power of two (default: the
                                     worker's memory-bound maximum, e.g. 256 for cifar-keras)
  --json                             one JSON line per measurement on stdout, nothing else
  --budget <s>                       seconds one measurement may take (default ${FULL.budgetSeconds}, quick ${QUICK.budgetSeconds})
  --breakdown-budget <s>             seconds a step breakdown may take (default 45; 0 = none; never with --json)`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function options() {
  const { values } = parseArgs({
    options: {
      workload: { type: 'string', multiple: true },
      engine: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      budget: { type: 'string' },
      steps: { type: 'string' },
      'steps-per-call': { type: 'string' },
      'breakdown-budget': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const workloads = (values.workload ?? [...WORKLOAD_NAMES]) as WorkloadName[];
  for (const w of workloads) if (!WORKLOAD_NAMES.includes(w)) fail(`unknown workload "${w}" (expected ${WORKLOAD_NAMES.join(' or ')})`);
  const engines = (values.engine ?? [...ENGINES]) as EngineName[];
  for (const e of engines) if (!ENGINES.includes(e)) fail(`unknown engine "${e}" (expected ${ENGINES.join(', ')})`);
  const seconds = (flag: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) fail(`--${flag} must be a number of seconds ≥ 0, got "${v}"`);
    return n;
  };
  const base = values.quick ? QUICK : FULL;
  const count = (flag: string, v: string | undefined): number | null => {
    if (v === undefined) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) fail(`--${flag} must be a whole number ≥ 1, got "${v}"`);
    return n;
  };
  const protocol: Protocol = { ...base, budgetSeconds: seconds('budget', values.budget, base.budgetSeconds), steps: count('steps', values.steps) ?? base.steps };
  const stepsPerCall = count('steps-per-call', values['steps-per-call']);
  if (stepsPerCall !== null && !Number.isInteger(Math.log2(stepsPerCall))) fail(`--steps-per-call must be a power of two, got ${stepsPerCall}`);
  // A breakdown is for reading, not for --json; --quick skips it unless asked for.
  const breakdownBudget = values.json ? 0 : seconds('breakdown-budget', values['breakdown-budget'], values.quick ? 0 : 45);
  return { workloads, engines, json: values.json, quick: values.quick, protocol, breakdownBudget, stepsPerCall };
}

function version(pkg: string): string {
  try {
    const url = new URL(`../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** Engines timed together, run by run, because a ratio compares them (see `timeInterleaved`). */
interface Group {
  workload: WorkloadName;
  open: (() => Promise<EngineSession>)[];
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software/i;

function groups(o: ReturnType<typeof options>, adapter: string | null): Group[] {
  const list: Group[] = [];
  const has = (e: EngineName) => o.engines.includes(e);
  for (const name of o.workloads) {
    const w = WORKLOADS[name];
    const p = o.protocol;
    const k = o.stepsPerCall ?? defaultStepsPerCall(w);
    const cpu1 = { workload: name, open: [] as Group['open'] };
    const cpu2 = { workload: name, open: [] as Group['open'] };
    const gpu = { workload: name, open: [] as Group['open'] };
    const skip = (why: string) => () => Promise.reject(new BenchSkip(why));
    // a GPU-only workload on a software adapter would take minutes per step on the CPU
    const softGpu = w.gpuOnly && (adapter === null || SOFTWARE_ADAPTER.test(adapter));
    const gpuSkip = `${w.title}: a GPU workload, and the WebGPU adapter here is ${adapter ?? 'missing'} (software: a step would take minutes on the CPU); run the bench on a machine with a GPU`;
    if (has('pytorch')) {
      if (!w.gpuOnly) {
        cpu1.open.push(() => openPytorch(w, 1, p));
        cpu2.open.push(() => openPytorch(w, 2, p));
      }
      gpu.open.push(() => openPytorch(w, 1, p, 'cuda'));
    }
    if (has('convas')) {
      if (!w.gpuOnly) {
        cpu1.open.push(() => openConvas(w, 'webasm', 1, p, 0, k));
        cpu2.open.push(() => openConvas(w, 'webasm', null, p, o.breakdownBudget, k));
      }
      gpu.open.push(softGpu ? skip(`convas webgpu: ${gpuSkip}`) : () => openConvas(w, 'webgpu', null, p, o.breakdownBudget, k));
    }
    if (has('tfjs')) {
      const why = w.unsupported?.tfjs ?? (softGpu ? gpuSkip : null);
      gpu.open.push(why ? skip(`tfjs webgpu: ${why}`) : () => openTfjs(w, p));
    }
    list.push(...[cpu1, cpu2, gpu].filter((g) => g.open.length));
  }
  return list;
}

/** Open a group's engines, time them interleaved, collect results; failures are reported per engine. */
async function runGroup(g: Group, p: Protocol, report: (r: EngineResult | null, label: string, error?: Error) => void): Promise<void> {
  const sessions: EngineSession[] = [];
  for (const open of g.open) {
    try {
      sessions.push(await open());
    } catch (e) {
      report(null, `${g.workload} engine set-up`, e instanceof Error ? e : new Error(String(e)));
    }
  }
  if (!sessions.length) return;
  const timings = await timeInterleaved(
    sessions.map((s) => s.step),
    p,
  );
  for (let i = 0; i < sessions.length; i++) {
    const t = timings[i];
    const label = `${g.workload} · ${sessions[i].label}`;
    if (t instanceof Error) {
      sessions[i].close();
      report(null, label, t);
      continue;
    }
    try {
      report(await sessions[i].finish(t), label);
    } catch (e) {
      report(null, label, e instanceof Error ? e : new Error(String(e)));
    }
  }
}

async function main(): Promise<number> {
  const o = options();
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const progress = (s: string) => process.stderr.write(`${s}\n`);
  if (o.json) {
    // Libraries (TF.js, Dawn) may log; stdout carries only the JSON lines.
    for (const k of ['log', 'info', 'warn', 'debug'] as const) console[k] = (...a: unknown[]) => process.stderr.write(`${a.map(String).join(' ')}\n`);
  }
  const started = performance.now();
  const load0 = loadavg()[0];
  const measurements: Measurement[] = [];
  const breakdowns: StepBreakdown[] = [];
  const skipped: string[] = [];
  const errors: string[] = [];
  const adapter = o.engines.some((e) => e !== 'pytorch') ? await webgpuAdapter() : null;
  for (const g of groups(o, adapter)) {
    const t0 = performance.now();
    const before = loadavg()[0];
    await runGroup(g, o.protocol, (r, label, error) => {
      if (error instanceof BenchSkip) {
        const msg = `${g.workload}: skipped ${error.message}`;
        skipped.push(msg);
        progress(msg);
        if (o.json) out(JSON.stringify({ workload: g.workload, skipped: error.message }));
        return;
      }
      if (error || !r) {
        const msg = `${label} failed: ${error?.message ?? 'no result'}`;
        errors.push(msg);
        progress(msg);
        return;
      }
      const m: Measurement = { ...r.measurement, load: [before, loadavg()[0]] };
      measurements.push(m);
      if (r.breakdown) breakdowns.push(r.breakdown);
      if (r.breakdownSkipped) skipped.push(`${label}: breakdown skipped: ${r.breakdownSkipped}`);
      progress(`${label}: ${m.samplesPerSecond.toFixed(1)} samples/s (group so far ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const bytes = m.bytesPerStep !== undefined ? { bytes_per_step: Math.round(m.bytesPerStep), steps_per_call: m.stepsPerCall, state_bytes: m.stateBytes } : {};
      if (o.json) out(JSON.stringify({ workload: m.workload, engine: m.engine, backend: m.backend, threads: m.threads, samples_per_second: Number(m.samplesPerSecond.toFixed(3)), ...bytes }));
    });
  }
  // Identical workloads: every engine must have built the same number of trainable parameters.
  const paramLines: string[] = [];
  for (const name of o.workloads) {
    const counts = measurements.filter((m) => m.workload === name && m.params !== undefined);
    if (!counts.length) continue;
    const ref = counts.find((m) => m.engine === 'convas') ?? counts[0];
    const bad = counts.filter((m) => m.params !== ref.params);
    for (const m of bad) {
      const msg = `${name}: ${m.engine} ${m.backend} built ${m.params} trainable parameters, ${ref.engine} ${ref.params}: not the same network`;
      errors.push(msg);
      progress(msg);
    }
    if (!bad.length) paramLines.push(`${name} ${ref.params!.toLocaleString('en-US')} (${[...new Set(counts.map((m) => m.engine))].join(', ')})`);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  if (o.json) return errors.length ? 1 : 0;

  const shape = benchShapeCheck();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const devices = [...new Set(measurements.map((m) => m.device).filter(Boolean))];
  out(`Convas bench — ${new Date().toISOString()}`);
  out(`machine: ${cpu}, ${availableParallelism()} cores; load average ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end; node ${process.versions.node}; gpu.js ${version('gpu.js')}`);
  if (devices.length) out(`ran on: ${devices.join('; ')}`);
  out(`protocol: random data (seed ${o.protocol.seed}), ${o.protocol.warmup} warm-up steps, median of ${o.protocol.runs} runs of ${o.protocol.steps} steps (at least ${o.protocol.minRuns}), ${o.protocol.budgetSeconds} s budget per measurement; samples/s = batch × steps / median run; engines compared by a ratio are timed run by run in turn (pytorch/convas per thread count, convas/tfjs on webgpu)`);
  out(`threads: — = not applicable (WebGPU: the device schedules; on SwiftShader that is every CPU core)`);
  const peak = Math.max(load0, ...measurements.flatMap((m) => m.load ?? []));
  if (peak > availableParallelism()) {
    out(`warning: the load average reached ${peak.toFixed(1)} on ${availableParallelism()} cores: other processes shared the CPU, so samples/s are lower than on an idle machine (ratios are timed interleaved to limit the skew)`);
  }
  out('');
  out(measurementTable(measurements));
  if (paramLines.length) out(`same trainable parameter count on every engine: ${paramLines.join('; ')}`);
  out(`note: ${TFJS_WASM_NOTE}`);
  out('');
  const rs = ratios(measurements);
  if (rs.length) {
    out('Ratios (same machine, same run; WebGPU here is SwiftShader, a CPU in disguise: only GPU ratios mean something, not GPU samples/s)');
    out(ratioTable(rs));
    out('');
  }
  for (const b of breakdowns) {
    out(`Where Convas's step time goes — ${breakdownTable(b)}`);
    out('');
  }
  for (const s of skipped) out(s);
  if (skipped.length) out('');
  out(`Shape check: ${shapeCheckLine(shape)}`);
  out(`bench took ${totalSeconds.toFixed(0)} s`);
  for (const e of errors) out(`ERROR ${e}`);
  return errors.length ? 1 : 0;
}

// Dawn's instance keeps Node's event loop alive: leave explicitly once the report is out.
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
