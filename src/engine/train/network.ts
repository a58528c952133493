/**
 * The compiler: a graph becomes one `createPipeline` plan per use — a chunk of whole training
 * steps (forward, loss, backward, optimizer update, repeated) or an inference pass — so tensors
 * stay on the device from the first kernel to the last and are read back once per call.
 */
import type { Device, PlanRun } from '../backend/device';
import { checkLayerFits, DeviceLimitError, layerTensors } from '../backend/limits';
import { GraphError } from '../graph/errors';
import type { Graph } from '../graph/types';
import { inferShapes, type NodeShapeInfo, type ShapeReport } from '../shapes/inferShapes';
import { size, type CompileCtx, type ForwardResult, type Handle, type KArr, type KernelCall, type KernelThis, type LayerProgram } from '../layers/spec';
import { stepCounter } from '../layers/counter-random';
import { hyperFor, makeUpdater, optimizerSlots, type OptimizerConfig } from './optimizers';
import { tensorSlots, type TensorSlot, type WeightMap } from './weights';

function addKernel(this: KernelThis, a: KArr, b: KArr): number {
  return a[this.thread.x] + b[this.thread.x];
}

export interface CompiledGraph {
  report: ShapeReport;
  batch: number;
  input: NodeShapeInfo;
  /** The output layer (Softmax / Regression), when there is one. */
  output: NodeShapeInfo | null;
  slots: TensorSlot[];
  programs: Map<string, LayerProgram>;
  device: Device;
  /** Whether a node's output gradient is needed (it or something upstream has parameters). */
  requiresGrad: Map<string, boolean>;
  randomSizes: { node: string; name: string; size: number }[];
  add(n: number): KernelCall;
}

/** A device limit met while a layer creates its kernels, said with the layer's name. */
function withLayer<T>(n: { id: string; type: string }, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof DeviceLimitError && !e.node) throw new DeviceLimitError(`layer ${n.id} (${n.type}): ${e.message}`, n.id);
    throw e;
  }
}

/**
 * Check the graph and compile every layer's kernels for a fixed batch size. `checked` is the
 * graph's shape report when the caller has one already (the session infers shapes once a run).
 */
export function compileGraph(graph: Graph, device: Device, batch: number, checked?: ShapeReport): CompiledGraph {
  if (!Number.isInteger(batch) || batch < 1) throw new GraphError(`batch size must be a whole number ≥ 1, got ${batch}`);
  const report = checked ?? inferShapes(graph);
  if (!report.ok) {
    throw new GraphError(`the graph has errors: ${report.errors.map((e) => e.message).join('; ')}`, report.errors[0]?.node ?? null);
  }
  const inputs = report.nodes.filter((n) => n.type === 'Input');
  if (inputs.length !== 1) throw new GraphError(`training and inference need exactly one Input node, found ${inputs.length}`);
  const outputs = report.nodes.filter((n) => n.spec!.output);
  if (outputs.length > 1) throw new GraphError(`only one output layer is supported, found ${outputs.map((o) => o.id).join(', ')}`, outputs[1].id);
  const programs = new Map<string, LayerProgram>();
  const requiresGrad = new Map<string, boolean>();
  const randomSizes: CompiledGraph['randomSizes'] = [];
  for (const n of report.nodes) {
    const ctx: CompileCtx = {
      nodeId: n.id,
      batch,
      inShapes: n.inShapes,
      outShape: n.outputShape!,
      kernel: (fn, sz, constants, native) => withLayer(n, () => device.kernel(fn, sz, constants, native)),
      grid: device.grid,
    };
    // refuse what the device cannot hold or index before any kernel exists (backend/limits.ts)
    checkLayerFits(layerTensors(n as typeof n & { outputShape: number[] }, n.spec!.paramShapes?.(n.inShapes, n.params) ?? {}, n.spec!.stateShapes?.(n.inShapes, n.params) ?? {}, batch, n.spec!.exactIndex === true), device.mode, device.limits);
    programs.set(n.id, n.spec!.compile(ctx, n.params));
    const upstream = report.structure!.inputsOf.get(n.id)!;
    requiresGrad.set(n.id, n.paramCount > 0 || upstream.some((u) => requiresGrad.get(u)));
    for (const [name, sz] of Object.entries(n.spec!.randomInputs?.(n.inShapes, n.params, batch) ?? {})) {
      randomSizes.push({ node: n.id, name, size: sz });
    }
  }
  const adds = new Map<number, KernelCall>();
  return {
    report,
    batch,
    input: inputs[0],
    output: outputs[0] ?? null,
    slots: tensorSlots(report),
    programs,
    device,
    requiresGrad,
    randomSizes,
    add(n) {
      let k = adds.get(n);
      if (!k) adds.set(n, (k = device.kernel(addKernel, n)));
      return k;
    },
  };
}

export interface ForwardTrace {
  results: Map<string, ForwardResult>;
  args: Map<string, { inputs: Handle[]; params: Record<string, Handle>; state: Record<string, Handle>; random: Record<string, Handle> }>;
}

export function traceForward(
  g: CompiledGraph,
  x: Handle,
  tensors: Map<string, Handle>,
  random: Map<string, Handle>,
  training: boolean,
): ForwardTrace {
  const results = new Map<string, ForwardResult>();
  const args: ForwardTrace['args'] = new Map();
  for (const n of g.report.nodes) {
    const sources = g.report.structure!.inputsOf.get(n.id)!;
    const inputs = n.type === 'Input' ? [x] : sources.map((s) => results.get(s)!.output);
    const params: Record<string, Handle> = {};
    const state: Record<string, Handle> = {};
    const rand: Record<string, Handle> = {};
    for (const s of g.slots) if (s.node === n.id) (s.trainable ? params : state)[s.name] = tensors.get(s.key)!;
    for (const r of g.randomSizes) if (r.node === n.id) rand[r.name] = random.get(`${r.node}.${r.name}`)!;
    const a = { inputs, params, state, random: rand };
    args.set(n.id, a);
    results.set(n.id, g.programs.get(n.id)!.forward({ ...a, training }));
  }
  return { results, args };
}

export interface TrainStepInput {
  x: Float32Array;
  targets: Float32Array;
  weights: WeightMap;
  /** Optimizer slots by `<tensor key>.<slot name>`; missing slots start at zero. */
  optimizerState: WeightMap;
  /** 1-based step number of the run (Adam's bias correction, the dropout counter). */
  step: number;
  /** The run's randomness key: layers draw from (seed, step) on the device. Default 1. */
  seed?: number;
}

export interface TrainStepOutput {
  loss: number;
  /** Correctly classified samples in the batch (classifiers), else NaN. */
  correct: number;
  weights: WeightMap;
  optimizerState: WeightMap;
  gradients?: WeightMap;
}

/** Bytes moved between JavaScript and the device by a plan's calls (arguments up, results back). */
export interface Traffic {
  calls: number;
  /** Training steps those calls made (0 for inference). */
  steps: number;
  bytesUp: number;
  bytesDown: number;
}

export interface TrainChunkInput {
  /** One batch per step of the chunk, in order. */
  batches: { x: Float32Array; targets: Float32Array }[];
  weights: WeightMap;
  optimizerState: WeightMap;
  /** 1-based run step of the first batch. */
  firstStep: number;
  /** The run's randomness key (see TrainStepInput.seed). */
  seed?: number;
}

export interface TrainChunkOutput {
  /** Per step: batch-mean loss, and correct count (classifiers; else NaN). */
  losses: number[];
  corrects: number[];
  /** After the last step. */
  weights: WeightMap;
  optimizerState: WeightMap;
  /** The last step's gradients (with `withGradients`). */
  gradients?: WeightMap;
}

/**
 * Several training steps recorded into one plan. gpu.js uploads a plan's arguments and reads back
 * its results at every call, so state cannot stay on the device *between* calls; it stays there
 * *within* one: weights, optimizer slots, BatchNorm statistics and the dropout counters never leave
 * the device for the `steps` steps of a chunk, which upload only their batches (plus 7 numbers
 * each) and return their losses. The weights and slots cross once per chunk each way.
 */
export interface TrainSteps {
  graph: CompiledGraph;
  readonly steps: number;
  run(input: TrainChunkInput): Promise<TrainChunkOutput>;
  readonly backend: string;
  readonly executorKind: string;
  readonly traffic: Traffic;
  destroy(): void;
}

export interface TrainStep {
  graph: CompiledGraph;
  run(input: TrainStepInput): Promise<TrainStepOutput>;
  readonly backend: string;
  readonly executorKind: string;
  readonly traffic: Traffic;
  destroy(): void;
}

const bytesOf = (arrays: Float32Array[]) => arrays.reduce((n, a) => n + a.byteLength, 0);

/** Compile `steps` consecutive training steps into one plan (see TrainSteps). */
export function compileTrainSteps(
  graph: Graph,
  device: Device,
  options: { batch: number; optimizer: OptimizerConfig; steps: number; withGradients?: boolean; report?: ShapeReport },
): TrainSteps {
  const K = options.steps;
  if (!Number.isInteger(K) || K < 1) throw new Error(`steps per plan must be a whole number ≥ 1, got ${K}`);
  const g = compileGraph(graph, device, options.batch, options.report);
  const out = g.output;
  if (!out) throw new GraphError('training needs an output layer (Softmax classifier or Regression) at the end of the graph');
  const slotNames = optimizerSlots(options.optimizer.name);
  const trainable = g.slots.filter((s) => s.trainable);
  const stateSlots = g.slots.filter((s) => !s.trainable);
  const updater = makeUpdater(device, options.optimizer);
  const updates = new Map(trainable.map((s) => [s.key, updater(s.size)]));
  const zeros = new Map<number, Float32Array>();
  const zerosOf = (n: number) => {
    let z = zeros.get(n);
    if (!z) zeros.set(n, (z = new Float32Array(n)));
    return z;
  };
  const PER_STEP = 4; // x, targets, hyper, counter
  const nArgs = K * PER_STEP + g.slots.length + trainable.length * slotNames.length;
  const outSources = g.report.structure!.inputsOf.get(out.id)!;
  const order = g.report.nodes.map((n) => n.id).reverse();

  /** One step traced on handles: tensors and slots in, updated ones out. */
  const traceStep = (x: Handle, targets: Handle, hyper: Handle, counter: Handle, tensors: Map<string, Handle>, optSlots: Map<string, Handle[]>) => {
    const random = new Map<string, Handle>();
    for (const r of g.randomSizes) random.set(`${r.node}.${r.name}`, counter);
    const fwd = traceForward(g, x, tensors, random, true);
    const lossResult = g.programs.get(out.id)!.loss!({ input: fwd.results.get(outSources[0])!.output, output: fwd.results.get(out.id)!.output, targets });

    // Backward in reverse topological order, summing gradients where a tensor feeds several layers.
    const pending = new Map<string, Handle[]>();
    const push = (node: string, grad: Handle) => pending.set(node, [...(pending.get(node) ?? []), grad]);
    push(outSources[0], lossResult.gradInput);
    const paramGrads = new Map<string, Handle>();
    for (const id of order) {
      if (id === out.id) continue;
      const grads = pending.get(id);
      const node = g.report.byId.get(id)!;
      if (!grads || !g.requiresGrad.get(id)) continue;
      const outSize = g.batch * size(node.outputShape!);
      let gradOutput = grads[0];
      for (let k = 1; k < grads.length; k++) gradOutput = g.add(outSize)(gradOutput, grads[k]);
      const sources = g.report.structure!.inputsOf.get(id)!;
      const program = g.programs.get(id)!;
      const fr = fwd.results.get(id)!;
      const back = program.backward!({
        ...fwd.args.get(id)!,
        training: true,
        output: fr.output,
        saved: fr.saved ?? {},
        gradOutput,
        needInputGrad: sources.map((s) => g.requiresGrad.get(s) === true),
      });
      sources.forEach((s, p) => {
        const gi = back.inputs[p];
        if (gi && g.requiresGrad.get(s)) push(s, gi);
      });
      for (const [name, gp] of Object.entries(back.params)) paramGrads.set(`${id}.${name}`, gp);
    }

    const nextTensors = new Map<string, Handle>();
    const nextSlots = new Map<string, Handle[]>();
    const grads: Handle[] = [];
    for (const s of trainable) {
      const gp = paramGrads.get(s.key) ?? (zerosOf(s.size) as unknown as Handle);
      const r = updates.get(s.key)!(tensors.get(s.key)!, gp, optSlots.get(s.key)!, hyper);
      nextTensors.set(s.key, r.w);
      nextSlots.set(s.key, r.slots);
      grads.push(gp);
    }
    for (const s of stateSlots) nextTensors.set(s.key, fwd.results.get(s.node)!.state?.[s.name] ?? tensors.get(s.key)!);
    return { loss: lossResult.loss, correct: lossResult.correct ?? lossResult.loss, tensors: nextTensors, optSlots: nextSlots, grads };
  };

  const body = (...a: unknown[]): unknown[] => {
    const h = a as Handle[];
    let i = K * PER_STEP;
    let tensors = new Map<string, Handle>();
    for (const s of g.slots) tensors.set(s.key, h[i++]);
    let optSlots = new Map<string, Handle[]>();
    for (const s of trainable) optSlots.set(s.key, slotNames.map(() => h[i++]));
    const losses: Handle[] = [];
    const corrects: Handle[] = [];
    let grads: Handle[] = [];
    for (let k = 0; k < K; k++) {
      const r = traceStep(h[k * PER_STEP], h[k * PER_STEP + 1], h[k * PER_STEP + 2], h[k * PER_STEP + 3], tensors, optSlots);
      losses.push(r.loss);
      corrects.push(r.correct);
      tensors = r.tensors;
      optSlots = r.optSlots;
      grads = r.grads;
    }
    return [
      ...losses,
      ...corrects,
      ...trainable.map((s) => tensors.get(s.key)!),
      ...stateSlots.map((s) => tensors.get(s.key)!),
      ...trainable.flatMap((s) => optSlots.get(s.key)!),
      ...(options.withGradients ? grads : []),
    ];
  };
  const plan: PlanRun = device.plan(nArgs, body);
  const traffic: Traffic = { calls: 0, steps: 0, bytesUp: 0, bytesDown: 0 };
  const inSize = g.batch * size(g.input.outputShape!);
  const tSize = out.spec!.output!.targets === 'class' ? g.batch : g.batch * size(out.outputShape!);

  return {
    graph: g,
    steps: K,
    traffic,
    get backend() {
      return plan.backend;
    },
    get executorKind() {
      return plan.executorKind;
    },
    destroy: () => plan.destroy(),
    async run(inp) {
      if (inp.batches.length !== K) throw new Error(`this plan trains ${K} steps per call, got ${inp.batches.length} batches`);
      const seed = inp.seed ?? 1;
      const args: Float32Array[] = [];
      inp.batches.forEach((b, k) => {
        if (b.x.length !== inSize) throw new Error(`batch data has ${b.x.length} values, the graph expects ${inSize} (${g.batch} × ${g.input.outputShape!.join('×')})`);
        if (b.targets.length !== tSize) throw new Error(`targets have ${b.targets.length} values, expected ${tSize}`);
        args.push(b.x, b.targets, hyperFor(options.optimizer, inp.firstStep + k), stepCounter(seed, inp.firstStep + k));
      });
      for (const s of g.slots) args.push(requireTensor(inp.weights, s));
      for (const s of trainable) for (const n of slotNames) args.push(inp.optimizerState[`${s.key}.${n}`] ?? zerosOf(s.size));
      const res = await plan(...args);
      traffic.calls++;
      traffic.steps += K;
      traffic.bytesUp += bytesOf(args);
      traffic.bytesDown += bytesOf(res);
      let k = 2 * K;
      const weights: WeightMap = {};
      for (const s of trainable) weights[s.key] = res[k++].slice();
      for (const s of stateSlots) weights[s.key] = res[k++].slice();
      const optimizerState: WeightMap = {};
      for (const s of trainable) for (const n of slotNames) optimizerState[`${s.key}.${n}`] = res[k++].slice();
      let gradients: WeightMap | undefined;
      if (options.withGradients) {
        gradients = {};
        for (const s of trainable) gradients[s.key] = res[k++].slice();
      }
      const classifier = out.spec!.output!.targets === 'class';
      return {
        losses: res.slice(0, K).map((r) => r[0]),
        corrects: res.slice(K, 2 * K).map((r) => (classifier ? r[0] : NaN)),
        weights,
        optimizerState,
        gradients,
      };
    },
  };
}

/** Compile a whole training step into one plan (a chunk of one step). */
export function compileTrainStep(
  graph: Graph,
  device: Device,
  options: { batch: number; optimizer: OptimizerConfig; withGradients?: boolean },
): TrainStep {
  const chunk = compileTrainSteps(graph, device, { ...options, steps: 1 });
  return {
    graph: chunk.graph,
    traffic: chunk.traffic,
    get backend() {
      return chunk.backend;
    },
    get executorKind() {
      return chunk.executorKind;
    },
    destroy: () => chunk.destroy(),
    async run(inp) {
      const r = await chunk.run({ batches: [{ x: inp.x, targets: inp.targets }], weights: inp.weights, optimizerState: inp.optimizerState, firstStep: inp.step, seed: inp.seed });
      return { loss: r.losses[0], correct: r.corrects[0], weights: r.weights, optimizerState: r.optimizerState, gradients: r.gradients };
    },
  };
}

function requireTensor(weights: WeightMap, s: TensorSlot): Float32Array {
  const t = weights[s.key];
  if (!t) throw new Error(`weights are missing ${s.key} (${s.shape.join('×')})`);
  if (t.length !== s.size) throw new Error(`${s.key}: expected ${s.shape.join('×')} (${s.size} values), got ${t.length}`);
  return t;
}

export interface Inference {
  graph: CompiledGraph;
  /** Outputs by node id ([batch, ...shape] flat). */
  run(x: Float32Array, weights: WeightMap): Promise<Record<string, Float32Array>>;
  readonly backend: string;
  readonly traffic: Traffic;
  destroy(): void;
}

/** Compile an inference pass (BatchNorm on running statistics, Dropout off). */
export function compileInference(graph: Graph, device: Device, options: { batch: number; allOutputs?: boolean; report?: ShapeReport }): Inference {
  const g = compileGraph(graph, device, options.batch, options.report);
  const last = g.report.nodes[g.report.nodes.length - 1];
  const wanted = options.allOutputs ? g.report.nodes.map((n) => n.id) : [(g.output ?? last).id];
  const plan = device.plan(1 + g.slots.length, (...a: unknown[]) => {
    const h = a as Handle[];
    const tensors = new Map<string, Handle>();
    g.slots.forEach((s, i) => tensors.set(s.key, h[1 + i]));
    const fwd = traceForward(g, h[0], tensors, new Map(), false);
    return wanted.map((id) => fwd.results.get(id)!.output);
  });
  const traffic: Traffic = { calls: 0, steps: 0, bytesUp: 0, bytesDown: 0 };
  return {
    graph: g,
    traffic,
    get backend() {
      return plan.backend;
    },
    destroy: () => plan.destroy(),
    async run(x, weights) {
      const inSize = g.batch * size(g.input.outputShape!);
      if (x.length !== inSize) throw new Error(`input has ${x.length} values, the graph expects ${inSize} (${g.batch} × ${g.input.outputShape!.join('×')})`);
      const args = [x, ...g.slots.map((s) => requireTensor(weights, s))];
      const res = await plan(...args);
      traffic.calls++;
      traffic.bytesUp += bytesOf(args);
      traffic.bytesDown += bytesOf(res);
      return Object.fromEntries(wanted.map((id, i) => [id, res[i].slice()]));
    },
  };
}
