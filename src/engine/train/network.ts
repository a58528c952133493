/**
 * The compiler: a graph becomes one `createPipeline` plan per use — a whole training step
 * (forward, loss, backward, optimizer update) or an inference pass — so tensors stay on the
 * device from the first kernel to the last and are read back once per call.
 */
import type { Device, PlanRun } from '../backend/device';
import { GraphError } from '../graph/errors';
import type { Graph } from '../graph/types';
import { inferShapes, type NodeShapeInfo, type ShapeReport } from '../shapes/inferShapes';
import { size, type CompileCtx, type ForwardResult, type Handle, type KArr, type KernelCall, type KernelThis, type LayerProgram } from '../layers/spec';
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

/** Check the graph and compile every layer's kernels for a fixed batch size. */
export function compileGraph(graph: Graph, device: Device, batch: number): CompiledGraph {
  if (!Number.isInteger(batch) || batch < 1) throw new GraphError(`batch size must be a whole number ≥ 1, got ${batch}`);
  const report = inferShapes(graph);
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
      kernel: (fn, sz, constants) => device.kernel(fn, sz, constants),
      grid: device.grid,
    };
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

interface ForwardTrace {
  results: Map<string, ForwardResult>;
  args: Map<string, { inputs: Handle[]; params: Record<string, Handle>; state: Record<string, Handle>; random: Record<string, Handle> }>;
}

function traceForward(
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
  /** 1-based step number (Adam's bias correction). */
  step: number;
  /** Uniform [0,1) draws by `<node>.<name>` (see `randomSizes`). */
  random?: WeightMap;
}

export interface TrainStepOutput {
  loss: number;
  /** Correctly classified samples in the batch (classifiers), else NaN. */
  correct: number;
  weights: WeightMap;
  optimizerState: WeightMap;
  gradients?: WeightMap;
}

export interface TrainStep {
  graph: CompiledGraph;
  run(input: TrainStepInput): Promise<TrainStepOutput>;
  readonly backend: string;
  readonly executorKind: string;
  destroy(): void;
}

/** Compile a whole training step into one plan. */
export function compileTrainStep(
  graph: Graph,
  device: Device,
  options: { batch: number; optimizer: OptimizerConfig; withGradients?: boolean },
): TrainStep {
  const g = compileGraph(graph, device, options.batch);
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
  const nArgs = 3 + g.slots.length + trainable.length * slotNames.length + g.randomSizes.length;

  const body = (...a: unknown[]): unknown[] => {
    const h = a as Handle[];
    const [x, targets, hyper] = h;
    let i = 3;
    const tensors = new Map<string, Handle>();
    for (const s of g.slots) tensors.set(s.key, h[i++]);
    const optSlots = new Map<string, Handle[]>();
    for (const s of trainable) optSlots.set(s.key, slotNames.map(() => h[i++]));
    const random = new Map<string, Handle>();
    for (const r of g.randomSizes) random.set(`${r.node}.${r.name}`, h[i++]);

    const fwd = traceForward(g, x, tensors, random, true);
    const outSources = g.report.structure!.inputsOf.get(out.id)!;
    const lossResult = g.programs.get(out.id)!.loss!({ input: fwd.results.get(outSources[0])!.output, output: fwd.results.get(out.id)!.output, targets });

    // Backward in reverse topological order, summing gradients where a tensor feeds several layers.
    const pending = new Map<string, Handle[]>();
    const push = (node: string, grad: Handle) => pending.set(node, [...(pending.get(node) ?? []), grad]);
    push(outSources[0], lossResult.gradInput);
    const paramGrads = new Map<string, Handle>();
    const order = g.report.nodes.map((n) => n.id).reverse();
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

    const newWeights: Handle[] = [];
    const newSlots: Handle[] = [];
    const gradsOut: Handle[] = [];
    for (const s of trainable) {
      const gp = paramGrads.get(s.key) ?? (zerosOf(s.size) as unknown as Handle);
      const r = updates.get(s.key)!(tensors.get(s.key)!, gp, optSlots.get(s.key)!, hyper);
      newWeights.push(r.w);
      newSlots.push(...r.slots);
      if (options.withGradients) gradsOut.push(gp);
    }
    const newState = stateSlots.map((s) => fwd.results.get(s.node)!.state?.[s.name] ?? tensors.get(s.key)!);
    return [lossResult.loss, lossResult.correct ?? lossResult.loss, ...newWeights, ...newState, ...newSlots, ...gradsOut];
  };
  const plan: PlanRun = device.plan(nArgs, body);

  return {
    graph: g,
    get backend() {
      return plan.backend;
    },
    get executorKind() {
      return plan.executorKind;
    },
    destroy: () => plan.destroy(),
    async run(inp) {
      const inSize = g.batch * size(g.input.outputShape!);
      if (inp.x.length !== inSize) throw new Error(`batch data has ${inp.x.length} values, the graph expects ${inSize} (${g.batch} × ${g.input.outputShape!.join('×')})`);
      const tSize = out.spec!.output!.targets === 'class' ? g.batch : g.batch * size(out.outputShape!);
      if (inp.targets.length !== tSize) throw new Error(`targets have ${inp.targets.length} values, expected ${tSize}`);
      const args: Float32Array[] = [inp.x, inp.targets, hyperFor(options.optimizer, inp.step)];
      for (const s of g.slots) args.push(requireTensor(inp.weights, s));
      for (const s of trainable) for (const n of slotNames) args.push(inp.optimizerState[`${s.key}.${n}`] ?? zerosOf(s.size));
      for (const r of g.randomSizes) {
        const v = inp.random?.[`${r.node}.${r.name}`];
        if (!v || v.length !== r.size) throw new Error(`random input ${r.node}.${r.name} needs ${r.size} values`);
        args.push(v);
      }
      const res = await plan(...args);
      let k = 2;
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
      return { loss: res[0][0], correct: out.spec!.output!.targets === 'class' ? res[1][0] : NaN, weights, optimizerState, gradients };
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
  destroy(): void;
}

/** Compile an inference pass (BatchNorm on running statistics, Dropout off). */
export function compileInference(graph: Graph, device: Device, options: { batch: number; allOutputs?: boolean }): Inference {
  const g = compileGraph(graph, device, options.batch);
  const last = g.report.nodes[g.report.nodes.length - 1];
  const wanted = options.allOutputs ? g.report.nodes.map((n) => n.id) : [(g.output ?? last).id];
  const plan = device.plan(1 + g.slots.length, (...a: unknown[]) => {
    const h = a as Handle[];
    const tensors = new Map<string, Handle>();
    g.slots.forEach((s, i) => tensors.set(s.key, h[1 + i]));
    const fwd = traceForward(g, h[0], tensors, new Map(), false);
    return wanted.map((id) => fwd.results.get(id)!.output);
  });
  return {
    graph: g,
    get backend() {
      return plan.backend;
    },
    destroy: () => plan.destroy(),
    async run(x, weights) {
      const inSize = g.batch * size(g.input.outputShape!);
      if (x.length !== inSize) throw new Error(`input has ${x.length} values, the graph expects ${inSize} (${g.batch} × ${g.input.outputShape!.join('×')})`);
      const res = await plan(x, ...g.slots.map((s) => requireTensor(weights, s)));
      return Object.fromEntries(wanted.map((id, i) => [id, res[i].slice()]));
    },
  };
}
