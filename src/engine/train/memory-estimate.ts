/**
 * How much memory a training run will need, from the shape report alone (no device, no data):
 * so a graph within every parameter range but far beyond memory (a Dense of 1,048,576 units
 * after a 28×28 image: 822 million weights) is refused before the first allocation, with the
 * numbers, instead of growing past the machine's memory with no step taken.
 *
 * Everything is float32 (4 bytes). What is counted, per run:
 *  - parameters and state buffers, and optimizer slots (momentum 1, RMSprop 1, Adam 2 per
 *    parameter), each COPIES times: while a step runs, a tensor exists as the host's copy that
 *    goes in, the plan's input and output buffers, the copy that comes back, and transfers.
 *    Measured on webasm (RSS growth over three steps, fixed overhead of ~30 MB removed, a Dense
 *    of 13 million weights): 7.4 floats per weight with SGD, 12.8 with momentum, 18.8 with Adam —
 *    6 per copied tensor plus the gradient;
 *  - one gradient per parameter;
 *  - activations: what one step's kernels write — every layer's output for the whole batch,
 *    the gradients, and the working buffers only the layers know (`kernels`, traced by
 *    kernel-buffers.ts) — and the validation pass's forward at the same batch;
 *  - data: the input batches and targets of one call — K steps' worth, K as `chunking.ts` may pick
 *    it at most (`maxChunkSteps`: up to 256 steps, their batches within max(128 MiB, the state)),
 *    since a chunked plan uploads every step's batch at once — on the device and as host copies.
 *    Measured on webasm (peak RSS growth, 2 calls): the seed MNIST CNN at batch 64 grew 56 MB at
 *    K = 1 and 85 MB at K = 16, the Fashion-MNIST DNN 46 MB at K = 1 and 136 MB at K = 64; the
 *    CIFAR-10 Keras net (batch 32, RMSprop) 314–343 MB at K = 1 and 328 MB at K = 16.
 * Buffers a plan reuses are counted once each, so this errs high, never low: what it refuses
 * cannot run, what it passes may still be tight (the verdict warns from 80 % of the limit).
 * Gpu-free and host-free: the worker, the CLI and the app's status bar all call it.
 */
import type { OptimizerName } from '../io/settings';
import { size } from '../layers/spec';
import type { ShapeReport } from '../shapes/inferShapes';
import { tensorSlots } from '../shapes/tensor-slots';
import { maxChunkSteps, stateBytes } from './chunking';
import type { KernelValues } from './kernel-buffers';
import { optimizerSlots } from './optimizers';

const F32 = 4;
/** Copies of each parameter and optimizer slot alive during a step (measured, see above). */
const COPIES = 6;
/**
 * What any run takes besides its tensors — compiled kernels, worker threads, the backend's own
 * state. Measured on webasm: the seed Fashion-MNIST DNN grew 46 MB for 4.5 MB of tensors, the
 * seed MNIST CNN 56 MB for 13 MB.
 */
const RUNTIME_BYTES = 48 * 2 ** 20;

/** WebAssembly memory is 32-bit: one plan's buffers on the `webasm` backend cannot pass 4 GiB. */
export const WASM_MEMORY_BYTES = 4 * 2 ** 30;

/** The limit a browser assumes when it cannot tell (navigator.deviceMemory is missing). */
export const DEFAULT_BROWSER_MEMORY_BYTES = 4 * 2 ** 30;

/** Warn when the estimate passes this share of the limit. */
export const WARN_FRACTION = 0.8;

export interface MemoryLimit {
  /** All the memory there is (physical, or a container's limit). */
  bytes: number;
  /** Where the number comes from, for messages: "this machine's memory". */
  source: string;
  /** What is free right now (Linux: MemAvailable), when the host can tell; a run is judged against it. */
  available?: number;
}

export interface MemoryEstimate {
  batch: number;
  optimizer: OptimizerName;
  /** The steps per call whose batches are counted (`data`). */
  stepsPerCall: number;
  /** Bytes per part, in the order they are listed to people. */
  parts: { parameters: number; gradients: number; optimizer: number; activations: number; data: number; runtime: number };
  /** What a `webasm` plan holds in its one WebAssembly.Memory (device side only). */
  deviceBytes: number;
  total: number;
  parameterCount: number;
}

export interface TrainingShape {
  batch: number;
  optimizer: OptimizerName;
  /**
   * What one step's kernels write (`stepKernelValues` in kernel-buffers.ts: layer outputs and
   * every working buffer). Without it — where no kernel source may be generated, as in the
   * editor's page — the layer outputs and their gradients stand in, which leaves out the working
   * buffers (about a third of what the seed CIFAR-10 net's step writes on webasm).
   */
  kernels?: KernelValues;
  /** Steps whose batches go to the device together (the trainer's chunks); default: the most `chunking.ts` puts in one call. */
  stepsPerCall?: number;
}

/** The memory a run of this graph needs; the report must be free of errors. */
export function estimateTrainingMemory(report: ShapeReport, run: TrainingShape): MemoryEstimate {
  if (!report.ok) throw new Error('estimateTrainingMemory: the graph has errors; fix them first');
  const { batch, optimizer } = run;
  const slots = tensorSlots(report);
  let trainable = 0;
  let state = 0;
  for (const s of slots) {
    if (s.trainable) trainable += s.size;
    else state += s.size;
  }
  let outputs = 0;
  let outputGrads = 0;
  let inputSize = 0;
  let targetSize = 1;
  // An output needs a gradient when its layer or anything upstream has parameters.
  const needsGrad = new Map<string, boolean>();
  for (const n of report.nodes) {
    const out = size(n.outputShape!);
    if (n.type === 'Input') inputSize = out;
    if (n.spec?.output?.targets === 'same') targetSize = out;
    const upstream = report.structure?.inputsOf.get(n.id) ?? [];
    const grad = n.paramCount > 0 || upstream.some((u) => needsGrad.get(u));
    needsGrad.set(n.id, grad);
    outputs += out;
    if (grad) outputGrads += out;
  }
  const slotCount = optimizerSlots(optimizer).length;
  const parameters = COPIES * (trainable + state) * F32;
  const gradients = trainable * F32;
  const optimizerBytes = COPIES * slotCount * trainable * F32;
  // the training step's buffers, and the validation pass's (its forward at the same batch)
  const stepValues = run.kernels ? run.kernels.forward + run.kernels.backward : (outputs + outputGrads) * batch;
  const activations = (stepValues + (run.kernels ? run.kernels.forward : outputs * batch)) * F32;
  const batchBytes = (inputSize + targetSize) * batch * F32;
  const steps = Math.max(1, run.stepsPerCall ?? maxChunkSteps(batchBytes, stateBytes(slots, optimizer)));
  const data = batchBytes * steps * 2; // on the device, and the pipeline's copy
  const parts = { parameters, gradients, optimizer: optimizerBytes, activations, data, runtime: RUNTIME_BYTES };
  const total = parameters + gradients + optimizerBytes + activations + data + RUNTIME_BYTES;
  // one plan's memory: tensors and slots as arguments and as results, gradients, activations, batches
  const deviceBytes = 2 * (trainable + state) * F32 + gradients + 2 * slotCount * trainable * F32 + stepValues * F32 + batchBytes * steps;
  return { batch, optimizer, stepsPerCall: steps, parts, deviceBytes, total, parameterCount: trainable };
}

/** "3.1 GiB", "512 MiB", "12 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** "parameters 3.1 GiB, gradients 3.1 GiB, …" — every part with something in it. */
export function describeParts(e: MemoryEstimate): string {
  const names: Record<keyof MemoryEstimate['parts'], string> = {
    parameters: 'parameters',
    gradients: 'gradients',
    optimizer: `${e.optimizer} state`,
    activations: `activations at batch ${e.batch}`,
    data: `data batches (${e.stepsPerCall} step${e.stepsPerCall === 1 ? '' : 's'} per call)`,
    runtime: 'runtime',
  };
  return (Object.keys(names) as (keyof MemoryEstimate['parts'])[])
    .filter((k) => e.parts[k] > 0)
    .map((k) => `${names[k]} ${formatBytes(e.parts[k])}`)
    .join(', ');
}

export interface MemoryVerdict {
  verdict: 'fits' | 'tight' | 'too-big';
  /** One sentence with the numbers, for every verdict. */
  message: string;
  estimate: MemoryEstimate;
  limit: MemoryLimit;
}

/**
 * Compare an estimate with the machine's limit (and, on `webasm`, with WebAssembly's 4 GiB):
 * `too-big` refuses, `tight` (from 80 %) warns, `fits` is fine. The message says what to change.
 */
export function judgeMemory(e: MemoryEstimate, limit: MemoryLimit, backend: string | null = null): MemoryVerdict {
  const head = `training needs about ${formatBytes(e.total)} (${describeParts(e)}; ${e.parameterCount.toLocaleString('en-US')} parameters)`;
  const fix = 'use fewer units or filters, a smaller batch size, or an optimizer with fewer slots (sgd < momentum < adam)';
  if (backend === 'webasm' && e.deviceBytes > WASM_MEMORY_BYTES) {
    return {
      verdict: 'too-big',
      message: `${head}; the webasm backend holds ${formatBytes(e.deviceBytes)} of it in one WebAssembly memory, which cannot pass ${formatBytes(WASM_MEMORY_BYTES)}: ${fix}`,
      estimate: e,
      limit,
    };
  }
  if (e.total > limit.bytes) {
    return { verdict: 'too-big', message: `${head}, more than ${limit.source} (${formatBytes(limit.bytes)}): ${fix}`, estimate: e, limit };
  }
  // Judged against what is free now: the rest is other programs' (8 GiB free of 16 means 8).
  const free = limit.available !== undefined && limit.available < limit.bytes ? limit.available : null;
  const cap = free ?? limit.bytes;
  const capText = free !== null ? `the ${formatBytes(free)} free now (${limit.source}: ${formatBytes(limit.bytes)})` : `${limit.source} (${formatBytes(limit.bytes)})`;
  if (e.total > cap) {
    return { verdict: 'too-big', message: `${head}, more than ${capText}: ${fix}, or close other programs`, estimate: e, limit };
  }
  if (e.total > WARN_FRACTION * cap) {
    const pct = Math.round((100 * e.total) / cap);
    return { verdict: 'tight', message: `${head}: ${pct} % of ${capText}; other programs may push it out of memory`, estimate: e, limit };
  }
  return { verdict: 'fits', message: `${head}; ${free !== null ? `free now: ${formatBytes(free)} of ${formatBytes(limit.bytes)}` : `${limit.source}: ${formatBytes(limit.bytes)}`}`, estimate: e, limit };
}

/**
 * A browser's limit: navigator.deviceMemory (GiB, rounded down by the browser and capped at 8)
 * when present, else DEFAULT_BROWSER_MEMORY_BYTES; a tab cannot use all of it either way.
 */
export function browserMemoryLimit(nav: { deviceMemory?: number } | undefined): MemoryLimit {
  const gib = nav?.deviceMemory;
  if (typeof gib === 'number' && Number.isFinite(gib) && gib > 0) return { bytes: gib * 2 ** 30, source: `this device's memory as the browser reports it` };
  return { bytes: DEFAULT_BROWSER_MEMORY_BYTES, source: 'the memory assumed for a browser tab' };
}
