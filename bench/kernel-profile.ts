/**
 * Where a webasm training step's time goes, kernel by kernel (`npm run bench:kernels -- --workload cifar-keras`).
 *
 * A step is one fused gpu.js plan, so its kernels cannot be clocked inside it. Here every layer
 * compiles against a recording context; its forward, backward and loss are traced with stand-in
 * handles that carry only a length; then every recorded kernel runs alone, in a one-kernel plan
 * on gpu.js's single-threaded webasm executor, on seeded random arguments of the recorded lengths,
 * and its median time is printed with its share of the sum. Kernels of one layer are numbered in
 * call order (`conv2d2 backward#5`), with their grid. A one-kernel plan uploads its arguments and
 * reads its result back at every call, as a training plan does not: for small kernels the figure
 * is an upper bound.
 *
 *   npm run bench:kernels -- [--workload mnist-cnn|cifar-keras] [--runs 20] [--no-winograd] [--no-im2col] [--no-native] [--threaded] [--json]
 *
 * `--threaded` runs each plan on gpu.js's worker pool instead (CONVAS_THREADS or all cores): set
 * beside a 1-thread profile it shows which kernels scale with cores and which do not.
 *
 * Each kernel runs 8 untimed calls first: V8 compiles WebAssembly with a baseline compiler and
 * tiers a function up to optimised code only after it has run a while (measured: a kernel's
 * median halves between its first 5 calls and calls 10–40).
 */
import { parseArgs } from 'node:util';
import { createNodeDevice } from '../src/engine/backend/device.node.js';
import { size, type Handle, type KArr, type KernelThis, type LayerProgram } from '../src/engine/layers/spec';
import { inferShapes } from '../src/engine/shapes/inferShapes';
import { winogradSwitch } from '../src/engine/layers/winograd-conv';
import type { NativeOp } from '../src/engine/layers/native-op';
import { nativeKernels } from '../src/engine/backend/native/hook';
import { im2colSwitch } from '../src/engine/layers/im2col';
import { Rng } from '../src/engine/util/rng';
import { median } from './measure';
import { WORKLOADS, type WorkloadName } from './workloads';

type KernelFn = (this: KernelThis, ...args: KArr[]) => number;

interface Recorded {
  layer: string;
  type: string;
  phase: 'forward' | 'backward' | 'loss';
  index: number;
  fn: KernelFn;
  dims: number[];
  constants: Record<string, number>;
  native?: NativeOp;
  argLengths: number[];
}

/** A stand-in device handle: only its length is known. */
interface Fake {
  length: number;
}
const fake = (length: number) => ({ length }) as Fake as unknown as Handle;
const lengthOf = (a: Handle | Float32Array) => (a as unknown as Fake).length;

/** Trace one layer's programs, recording every kernel call in order. */
function traceLayer(node: ReturnType<typeof inferShapes>['nodes'][number], batch: number, fromInput: boolean): Recorded[] {
  const spec = node.spec!;
  const records: Recorded[] = [];
  let phase: Recorded['phase'] = 'forward';
  const program: LayerProgram = spec.compile(
    {
      nodeId: node.id,
      batch,
      inShapes: node.inShapes,
      outShape: node.outputShape!,
      grid: true,
      kernel: (fn, sz, constants, native) => {
        const dims = typeof sz === 'number' ? [sz] : sz;
        return (...args) => {
          records.push({ layer: node.id, type: node.type, phase, index: records.length, fn: fn as KernelFn, dims, constants: constants ?? {}, native, argLengths: args.map(lengthOf) });
          return fake(dims.reduce((a, b) => a * b, 1));
        };
      },
    },
    node.params!,
  );
  const inputs = node.inShapes.map((s) => fake(batch * size(s)));
  const params = Object.fromEntries(Object.entries(node.paramShapes).map(([k, s]) => [k, fake(size(s))]));
  const state = Object.fromEntries(Object.entries(node.stateShapes).map(([k, s]) => [k, fake(size(s))]));
  const random = Object.fromEntries(Object.keys(spec.randomInputs?.(node.inShapes, node.params!, batch) ?? {}).map((k) => [k, fake(4)]));
  const fr = program.forward({ inputs, params, state, random, training: true });
  const outLen = batch * size(node.outputShape!);
  if (program.loss) {
    phase = 'loss';
    program.loss({ input: inputs[0], output: fr.output, targets: fake(batch) });
  } else if (program.backward) {
    phase = 'backward';
    program.backward({ inputs, params, state, random, training: true, output: fr.output, saved: fr.saved ?? {}, gradOutput: fake(outLen), needInputGrad: node.inShapes.map(() => !fromInput) });
  }
  return records;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { workload: { type: 'string', default: 'mnist-cnn' }, runs: { type: 'string', default: '20' }, json: { type: 'boolean', default: false }, 'no-winograd': { type: 'boolean', default: false }, 'no-native': { type: 'boolean', default: false }, 'no-im2col': { type: 'boolean', default: false }, threaded: { type: 'boolean', default: false } } });
  winogradSwitch.enabled = !values['no-winograd'];
  nativeKernels.enabled = !values['no-native'];
  im2colSwitch.enabled = !values['no-im2col'];
  const w = WORKLOADS[values.workload as WorkloadName];
  if (!w) throw new Error(`unknown workload ${values.workload}`);
  const runs = Number(values.runs);
  const report = inferShapes(w.graph);
  const device = await createNodeDevice('webasm');
  const rng = new Rng(3);
  const rows: { kernel: string; ms: number; cells: number }[] = [];
  let total = 0;
  for (const node of report.nodes) {
    if (node.type === 'Input') continue;
    const inputIds = new Set(report.nodes.filter((n) => n.type === 'Input').map((n) => n.id));
    const fromInput = w.graph.edges.some((e) => e.to === node.id && inputIds.has(e.from));
    for (const r of traceLayer(node, w.batch, fromInput)) {
      const kernel = device.kernel(r.fn, r.dims.length === 1 ? r.dims[0] : (r.dims as [number, number]), r.constants, r.native);
      const plan = device.plan(r.argLengths.length, (...h: unknown[]) => [kernel(...(h as Handle[]))], { threads: values.threaded });
      const k = (...a: Float32Array[]) => plan(...a);
      // small non-negative values: index-like arguments (targets, counters) stay in range
      const args = r.argLengths.map((n) => Float32Array.from({ length: n }, () => Math.floor(rng.random() * 4)));
      for (let i = 0; i < 8; i++) await k(...args);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await k(...args);
        times.push(performance.now() - t0);
      }
      const ms = median(times);
      total += ms;
      const name = `${r.layer} ${r.phase}#${r.index} [${r.dims.join('×')}]`;
      rows.push({ kernel: name, ms, cells: r.dims.reduce((a, b) => a * b, 1) });
      if (values.json) console.log(JSON.stringify({ workload: w.name, kernel: name, ms }));
    }
  }
  device.destroy();
  if (values.json) return;
  rows.sort((a, b) => b.ms - a.ms);
  console.log(`${w.name}, batch ${w.batch}, webasm ${values.threaded ? 'threaded' : '1 thread'}, kernels run alone (median of ${runs}):`);
  for (const r of rows) console.log(`${r.ms.toFixed(3).padStart(9)} ms  ${((100 * r.ms) / total).toFixed(1).padStart(5)} %  ${r.kernel}`);
  console.log(`${total.toFixed(2).padStart(9)} ms  total of kernels (a training step also runs the optimizer's updates)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
