/**
 * Where a Convas training step's time goes. A step is one gpu.js plan, so its parts cannot be
 * clocked from inside; each part is run as a plan of its own on the same device and the cost of
 * moving that plan's arguments and results is subtracted, measured with an "echo" plan that has
 * the same argument and result sizes and trivial kernels:
 *   layer forward  = plan(forward)            − echo(same sizes)
 *   layer backward = plan(forward + backward) − echo(same sizes) − layer forward
 *   update         = plan(optimizer updates)  − echo(same sizes)
 *   upload         = plan(every argument of a call → one 1-element kernel each) / steps per call
 *   readback       = (echo(call arguments → call results) − upload, plus run()'s copies out) / steps per call
 * where a call is the chunk of `stepsPerCall` steps the measurement ran (weights and slots cross
 * once per call). What is left of the measured step is plan dispatch and JS glue. Estimates, not
 * exact: parts overlap differently inside the fused plan.
 */
import type { Device, PlanRun } from '../src/engine/backend/device';
import { size, type Handle, type KArr, type KernelThis } from '../src/engine/layers/spec';
import type { NodeShapeInfo } from '../src/engine/shapes/inferShapes';
import { stepCounter } from '../src/engine/layers/counter-random';
import { makeUpdater, optimizerSlots, hyperFor } from '../src/engine/train/optimizers';
import { Rng } from '../src/engine/util/rng';
import { median } from './measure';
import type { ConvasTraining, LayerCost, StepBreakdown } from './types';
import type { Workload } from './workloads';

/** Reads one value; at a larger output size it writes every element once, as a real result would be. */
function firstValue(this: KernelThis, a: KArr): number {
  return a[0];
}


/**
 * Median wall time of a call, after one untimed call (it compiles); 3 timed calls, more while
 * under `seconds`, 2 when one call takes over a second (the CIFAR net's big layers).
 */
async function medianMs(fn: () => Promise<unknown>, max = 7, seconds = 2): Promise<number> {
  await fn();
  const times: number[] = [];
  const start = performance.now();
  let min = 3;
  while (times.length < max && (times.length < min || performance.now() - start < seconds * 1000)) {
    if (times.length === 1 && times[0] > 1000) min = 2;
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Kernels reused across echo plans of one device, by output size. */
class EchoKernels {
  private firsts: ReturnType<Device['kernel']> | null = null;
  private fills = new Map<number, ReturnType<Device['kernel']>>();
  constructor(private device: Device) {}
  first() {
    return (this.firsts ??= this.device.kernel(firstValue, 1));
  }
  fill(n: number) {
    let k = this.fills.get(n);
    if (!k) this.fills.set(n, (k = this.device.kernel(firstValue, n)));
    return k;
  }
  /** Same argument and result sizes as the plan being measured, next to no arithmetic. */
  plan(argCount: number, outSizes: number[]): PlanRun {
    return this.device.plan(argCount, (...a: unknown[]) => {
      const h = a as Handle[];
      const touched = h.map((x) => this.first()(x));
      // Every argument is read (so it is uploaded); only the first 1-element result comes back when no sizes are given.
      return outSizes.length ? outSizes.map((n) => this.fill(n)(touched[0])) : [touched[0]];
    });
  }
}

const sliceAll = (r: Float32Array[]) => r.map((x) => x.slice());

async function layerCost(device: Device, echo: EchoKernels, n: NodeShapeInfo, batch: number, weights: Record<string, Float32Array>, rng: Rng): Promise<LayerCost> {
  const spec = n.spec!;
  const program = spec.compile({ nodeId: n.id, batch, inShapes: n.inShapes, outShape: n.outputShape!, kernel: (fn, sz, c, native) => device.kernel(fn, sz, c, native), grid: device.grid }, n.params!);
  const pNames = Object.keys(n.paramShapes);
  const sNames = Object.keys(n.stateShapes);
  const randomSizes = spec.randomInputs?.(n.inShapes, n.params!, batch) ?? {};
  const rNames = Object.keys(randomSizes);
  const fill = (len: number) => rng.fill(new Float32Array(len));
  const inputs = n.inShapes.map((s) => fill(batch * size(s)));
  const args = [
    ...inputs,
    ...pNames.map((k) => weights[`${n.id}.${k}`]),
    ...sNames.map((k) => weights[`${n.id}.${k}`]),
    ...rNames.map(() => stepCounter(11, 1)),
  ];
  const outSize = batch * size(n.outputShape!);
  const isOutput = !!spec.output;
  const last = isOutput ? Float32Array.from({ length: batch }, () => rng.int(size(n.outputShape!))) : fill(outSize);
  // The plan's arguments in order: inputs, params, state, random draws, then (forward + backward only) gradOutput / targets.
  const unpack = (h: Handle[]) => {
    let i = inputs.length;
    const ins = h.slice(0, i);
    const params = Object.fromEntries(pNames.map((k) => [k, h[i++]]));
    const state = Object.fromEntries(sNames.map((k) => [k, h[i++]]));
    const random = Object.fromEntries(rNames.map((k) => [k, h[i++]]));
    return { inputs: ins, params, state, random, training: true, last: h[i] };
  };
  const fwdPlan = device.plan(args.length, (...a: unknown[]) => {
    const u = unpack(a as Handle[]);
    return [program.forward(u).output];
  });
  const fbSizes = isOutput
    ? [outSize, 1, batch * size(n.inShapes[0])]
    : [outSize, ...n.inShapes.map((s) => batch * size(s)), ...pNames.map((k) => size(n.paramShapes[k]))];
  const fbPlan = device.plan(args.length + 1, (...a: unknown[]) => {
    const u = unpack(a as Handle[]);
    const fr = program.forward(u);
    if (isOutput) {
      const l = program.loss!({ input: u.inputs[0], output: fr.output, targets: u.last });
      return [fr.output, l.loss, l.gradInput];
    }
    const back = program.backward!({ ...u, output: fr.output, saved: fr.saved ?? {}, gradOutput: u.last, needInputGrad: u.inputs.map(() => true) });
    return [fr.output, ...back.inputs.map((g) => g ?? fr.output), ...pNames.map((k) => back.params[k])];
  });
  const fwdEcho = echo.plan(args.length, [outSize]);
  const fbEcho = echo.plan(args.length + 1, fbSizes);
  try {
    const tf = await medianMs(async () => sliceAll(await fwdPlan(...args)));
    const ef = await medianMs(async () => sliceAll(await fwdEcho(...args)));
    const tfb = await medianMs(async () => sliceAll(await fbPlan(...args, last)));
    const efb = await medianMs(async () => sliceAll(await fbEcho(...args, last)));
    const forwardMs = tf - ef;
    return { node: n.id, type: n.type, forwardMs, backwardMs: tfb - efb - forwardMs };
  } finally {
    for (const p of [fwdPlan, fbPlan, fwdEcho, fbEcho]) p.destroy();
  }
}

/** `stepMs`: the step time the throughput measurement found (median run / steps). */
export async function breakdownStep(w: Workload, tr: ConvasTraining, threads: number, stepMs: number, stepsPerCall: number): Promise<StepBreakdown> {
  const g = tr.step.graph;
  const device = g.device;
  const echo = new EchoKernels(device);
  const rng = new Rng(11);

  const layers: LayerCost[] = [];
  for (const n of g.report.nodes) {
    if (n.type === 'Input') continue;
    layers.push(await layerCost(device, echo, n, g.batch, tr.weights, rng));
  }

  // The optimizer alone: every trainable tensor's update, as in the step.
  const trainable = g.slots.filter((s) => s.trainable);
  const slotNames = optimizerSlots(w.optimizer.name);
  const updater = makeUpdater(device, w.optimizer);
  const uArgs: Float32Array[] = [hyperFor(w.optimizer, 1)];
  for (const s of trainable) uArgs.push(tr.weights[s.key], rng.fill(new Float32Array(s.size)), ...slotNames.map(() => new Float32Array(s.size)));
  const uSizes = trainable.flatMap((s) => [s.size, ...slotNames.map(() => s.size)]);
  const updatePlan = device.plan(uArgs.length, (...a: unknown[]) => {
    const h = a as Handle[];
    let i = 1;
    const out: Handle[] = [];
    for (const s of trainable) {
      const wt = h[i++];
      const gr = h[i++];
      const slots = slotNames.map(() => h[i++]);
      const r = updater(s.size)(wt, gr, slots, h[0]);
      out.push(r.w, ...r.slots);
    }
    return out;
  });
  const updateEcho = echo.plan(uArgs.length, uSizes);
  const updateMs = (await medianMs(async () => sliceAll(await updatePlan(...uArgs)))) - (await medianMs(async () => sliceAll(await updateEcho(...uArgs))));

  // A call's own arguments and results (a chunk of K steps), moved with no work in between.
  const K = stepsPerCall;
  const callArgs: Float32Array[] = [];
  for (let k = 0; k < K; k++) callArgs.push(tr.x, tr.targets, hyperFor(w.optimizer, 1 + k), stepCounter(11, 1 + k));
  for (const s of g.slots) callArgs.push(tr.weights[s.key]);
  for (const s of trainable) for (const k of slotNames) callArgs.push(tr.optimizerState[`${s.key}.${k}`] ?? new Float32Array(s.size));
  const stateSlots = g.slots.filter((s) => !s.trainable);
  const resultSizes = [...Array<number>(2 * K).fill(1), ...trainable.map((s) => s.size), ...stateSlots.map((s) => s.size), ...trainable.flatMap((s) => slotNames.map(() => s.size))];
  const uploadPlan = echo.plan(callArgs.length, []);
  const movePlan = echo.plan(callArgs.length, resultSizes);
  const uploadCallMs = await medianMs(() => uploadPlan(...callArgs));
  const uploadMs = uploadCallMs / K;
  const readbackMs = ((await medianMs(async () => sliceAll(await movePlan(...callArgs)))) - uploadCallMs) / K;
  for (const p of [updatePlan, updateEcho, uploadPlan, movePlan]) p.destroy();

  const accounted = layers.reduce((a, l) => a + l.forwardMs + l.backwardMs, 0) + updateMs + uploadMs + readbackMs;
  return {
    workload: w.name,
    backend: device.mode,
    threads,
    batch: g.batch,
    stepMs,
    layers,
    updateMs,
    uploadMs,
    readbackMs,
    stepsPerCall: K,
    restMs: stepMs - accounted,
  };
}

/**
 * Seconds a breakdown is expected to take, from one step's time: every layer runs its forward
 * (about a third of its share of the step) and its forward + backward, 1 untimed + 3 timed calls each.
 */
export function breakdownSeconds(stepSeconds: number): number {
  return stepSeconds * (stepSeconds > 1 ? 3 : 4) * (1 / 3 + 1) + 5;
}
