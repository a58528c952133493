/**
 * Opening a run: what a `start` command becomes before its first step — the checkpoint it
 * resumes (the same run's), the graph checked once (one shape report, which every plan then
 * compiles from), the memory judged, the dataset opened and fitted to the output, the device,
 * the one-step and validation plans, and weights that fit the graph (io/weights.ts's rule).
 *
 * A preview (`start` with `preview: true`) is a forward pass only: it needs an Input and valid
 * shapes but no output layer, skips the training memory estimate and the data-vs-output check,
 * and compiles no training or validation plan — `infer` compiles its own batch-1 plan on first use.
 */
import type { BackendName, Device } from '../backend/device';
import { DataPipeline } from '../data/pipeline';
import type { DatasetRef, OpenContext } from '../data/ref';
import { deriveSeed } from '../data/seed';
import { DatasetError, type Dataset } from '../data/types';
import { GraphError } from '../graph/errors';
import type { Graph } from '../graph/types';
import { parseGraph } from '../graph/validate';
import { FormatError } from '../io/errors';
import { checkWeightsFit } from '../io/weights';
import { size } from '../layers/spec';
import { inferShapes, type ShapeReport } from '../shapes/inferShapes';
import {
  CheckpointError,
  decodeCheckpoint,
  type CheckpointState,
  type CheckpointStore,
  type EpochAccumulator,
  type EpochMetricsRecord,
} from '../train/checkpoint';
import { estimateTrainingMemory, judgeMemory, type MemoryLimit } from '../train/memory-estimate';
import { stepKernelValues, usesGrid } from '../train/kernel-buffers';
import { compileInference, compileTrainSteps, type Inference, type TrainSteps } from '../train/network';
import type { SaliencyPlan } from '../train/saliency';
import { initWeights, type WeightMap } from '../train/weights';
import { Rng } from '../util/rng';
import { event, type Hyperparameters, type ParsedCommand, type WorkerEvent } from './protocol';

export interface SessionHost {
  post(e: WorkerEvent): void;
  createDevice(backend: BackendName): Promise<Device>;
  openDataset(ref: DatasetRef, ctx: OpenContext): Promise<Dataset>;
  store: CheckpointStore;
  /** Let queued messages (pause, stop, …) be handled: called between steps. */
  yieldToEvents(): Promise<void>;
  /** Milliseconds, monotonic. */
  now(): number;
  /** The memory a run may use here; when given, a run estimated beyond it is refused at start. */
  memoryLimit?(): MemoryLimit;
}

export type Phase = 'start' | 'data' | 'step' | 'validation' | 'checkpoint' | 'request';

/** An error that knows where it happened (and which layer, for divergence). */
export class RunError extends Error {
  constructor(
    message: string,
    readonly phase: Phase,
    readonly node: string | null = null,
  ) {
    super(message);
  }
}

export interface SavedCheckpoint {
  path: string;
  epoch: number;
  step: number;
}

export type StartCommand = Extract<ParsedCommand, { type: 'start' }>;

export interface Run {
  graph: Graph;
  /** The graph's shape report, inferred once at start: every plan compiles from it. */
  report: ShapeReport;
  hyper: Hyperparameters;
  data: DatasetRef;
  /** The host's arguments for this run, written into its checkpoints. */
  runArgs: Record<string, unknown> | null;
  dataset: Dataset;
  pipeline: DataPipeline;
  device: Device;
  /** A forward-only run (previews, saliency): no training plans; it answers requests until stopped. */
  preview: boolean;
  /** One step per call; `chunks` holds the longer plans, compiled on first use. Null for a preview. */
  train: TrainSteps | null;
  chunks: Map<number, TrainSteps>;
  /** Null for a preview. */
  validate: Inference | null;
  /** Compiled on first use: all outputs at batch 1 (infer) and at the training batch (diagnosis). */
  probe: Map<number, Inference>;
  /** Grad-CAM and input gradients at batch 1, compiled on first use (saliency.ts). */
  saliency: SaliencyPlan | null;
  weights: WeightMap;
  optimizerState: WeightMap;
  epoch: number;
  step: number;
  globalStep: number;
  /** The dropout key (draws depend on it and the step only). */
  randomSeed: number;
  /** Kept for the checkpoint format; nothing draws from it since dropout moved to the device. */
  rng: Rng;
  /** Seconds per training step, measured over the last chunk (null before the first). */
  stepSeconds: number | null;
  accum: EpochAccumulator;
  lastMetrics: EpochMetricsRecord | null;
  lastCheckpoint: SavedCheckpoint | null;
  /** host.now() when this run last wrote a checkpoint (−∞ before it has). */
  lastCheckpointAt: number;
  classifier: boolean;
  /** Set when the loop stopped on an error (divergence, bad data): no more checkpoints of it. */
  failed: boolean;
}

export const freshAccum = (): EpochAccumulator => ({ lossSum: 0, correct: 0, samples: 0, steps: 0, seconds: 0 });

export function copyMap(m: WeightMap): WeightMap {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.slice()]));
}

/** Everything a run needs before its first step; throws what stops it (the session reports it). */
export async function openRun(cmd: StartCommand, host: SessionHost): Promise<Run> {
  const hyper = cmd.hyper;
  let ckpt: CheckpointState | null = null;
  if (cmd.checkpoint !== undefined) {
    const where = typeof cmd.checkpoint === 'string' ? cmd.checkpoint : 'checkpoint';
    ckpt = typeof cmd.checkpoint === 'string' ? await host.store.load(cmd.checkpoint) : decodeCheckpoint(cmd.checkpoint, where);
    checkSameRun(ckpt, hyper, cmd.data, where);
  }
  const graph = parseGraph(cmd.graph);
  const report = inferShapes(graph);
  if (!report.ok) throw new GraphError(`the graph has errors: ${report.errors.map((e) => e.message).join('; ')}`, report.errors[0]?.node ?? null);
  const input = report.nodes.find((n) => n.type === 'Input');
  const output = report.nodes.find((n) => n.spec?.output);
  const preview = cmd.preview === true;
  if (preview) {
    if (!input) throw new GraphError('a preview needs an Input node: add one where the data enters the network');
    if (cmd.checkpoint !== undefined) throw new RunError('a preview starts from given or initial weights, not from a checkpoint: send the weights instead', 'start');
  } else if (!input || !output) {
    throw new GraphError('training needs an Input node and an output layer (Softmax classifier or Regression)');
  }
  const limit = preview ? undefined : host.memoryLimit?.();
  if (limit) {
    const kernels = stepKernelValues(report, hyper.batchSize, usesGrid(hyper.backend));
    const memory = judgeMemory(estimateTrainingMemory(report, { batch: hyper.batchSize, optimizer: hyper.optimizer.name, kernels }), limit, hyper.backend);
    if (memory.verdict === 'too-big') throw new RunError(memory.message, 'start');
  }

  host.post(event({ type: 'phase', phase: 'data' }));
  const dataset = await host.openDataset(cmd.data, { inputShape: input.outputShape!, seed: hyper.seed });
  try {
    if (!preview) checkDataFitsOutput(dataset, output!.id, output!.spec!.output!.targets, output!.outputShape!);
    const pipeline = await DataPipeline.create(dataset, {
      batch: hyper.batchSize,
      seed: hyper.seed,
      valFraction: hyper.validationSplit,
      normalize: hyper.normalize,
      normalization: ckpt?.normalization ?? undefined,
      shuffle: hyper.shuffle,
      augment: { cropPadding: hyper.augmentation.randomCrop, flip: hyper.augmentation.flipHorizontal },
    });
    host.post(event({ type: 'phase', phase: 'compile' }));
    const device = await host.createDevice(hyper.backend);
    const optimizer = { ...hyper.optimizer, weightDecay: hyper.weightDecay };
    const train = preview ? null : compileTrainSteps(graph, device, { batch: hyper.batchSize, optimizer, steps: 1, report });
    const validate = preview ? null : compileInference(graph, device, { batch: hyper.batchSize, report });
    const weights = ckpt ? ckpt.weights : cmd.weights ? cmd.weights : initWeights(report, hyper.initializer, hyper.seed);
    checkWeights(report, weights, ckpt ? 'checkpoint' : 'initial weights');
    return {
      graph,
      report,
      hyper,
      data: cmd.data,
      runArgs: cmd.runArgs ?? null,
      dataset,
      pipeline,
      device,
      preview,
      train,
      chunks: train ? new Map([[1, train]]) : new Map(),
      validate,
      probe: new Map(),
      saliency: null,
      weights: ckpt ? weights : copyMap(weights),
      optimizerState: ckpt?.optimizerState ?? {},
      epoch: ckpt?.epoch ?? 0,
      step: ckpt?.step ?? 0,
      globalStep: ckpt?.globalStep ?? 0,
      randomSeed: deriveSeed(hyper.seed, 0xd209),
      rng: ckpt ? Rng.fromState(ckpt.rng) : new Rng(deriveSeed(hyper.seed, 0xd209)),
      stepSeconds: null,
      accum: ckpt?.accum ?? freshAccum(),
      lastMetrics: ckpt?.lastMetrics ?? null,
      lastCheckpoint: ckpt && typeof cmd.checkpoint === 'string' ? { path: cmd.checkpoint, epoch: ckpt.epoch, step: ckpt.step } : null,
      lastCheckpointAt: -Infinity,
      // a preview's data was not fitted to the output: a classifier's labels only where the data has classes
      classifier: output?.spec!.output!.targets === 'class' && (!preview || dataset.classes !== null),
      failed: false,
    };
  } catch (e) {
    await dataset.close?.();
    throw e;
  }
}

/** Release what a run holds: its dataset, every plan, the device. */
export function closeRun(r: Run): void {
  void r.dataset.close?.();
  for (const t of r.chunks.values()) t.destroy();
  r.validate?.destroy();
  for (const p of r.probe.values()) p.destroy();
  r.saliency?.destroy();
  r.device.destroy();
}

/** A training run's plans; a preview (forward only) has none, and `what` cannot be done in it. */
export function trainingPlans(r: Run, what: string): { train: TrainSteps; validate: Inference } {
  if (!r.train || !r.validate) throw new RunError(`${what}: this is a preview run (forward only, no training plans); start a training run for it`, 'request');
  return { train: r.train, validate: r.validate };
}

/** A resumed run must be the same run: same data order (seed, batch, data) and optimizer. */
function checkSameRun(ckpt: CheckpointState, hyper: Hyperparameters, data: DatasetRef, where: string): void {
  const was = ckpt.run.hyper as Partial<Hyperparameters>;
  const differ: string[] = [];
  if (was.seed !== hyper.seed) differ.push(`seed ${was.seed} → ${hyper.seed}`);
  if (was.batchSize !== hyper.batchSize) differ.push(`batch size ${was.batchSize} → ${hyper.batchSize}`);
  if (was.optimizer?.name !== hyper.optimizer.name) differ.push(`optimizer ${was.optimizer?.name} → ${hyper.optimizer.name}`);
  if (was.shuffle !== hyper.shuffle) differ.push(`shuffle ${was.shuffle} → ${hyper.shuffle}`);
  if (JSON.stringify(ckpt.run.data) !== JSON.stringify(data)) differ.push(`data ${JSON.stringify(ckpt.run.data)} → ${JSON.stringify(data)}`);
  if (differ.length) {
    throw new CheckpointError(`written by a different run, resuming would not repeat it (${differ.join('; ')}); start with the same settings`, where);
  }
}

function checkDataFitsOutput(d: Dataset, outputId: string, targets: 'class' | 'same', outShape: readonly number[]): void {
  if (targets === 'class') {
    if (!d.classes) throw new DatasetError(`${d.name} has image targets, not class labels: ${outputId} (a classifier) cannot train on it; use a Regression output`);
    const units = size(outShape);
    if (d.classes.length > units) {
      throw new GraphError(`the output has ${units} classes but ${d.name} has ${d.classes.length}: give the last Dense layer ${d.classes.length} units`, outputId);
    }
  } else {
    if (d.classes) throw new DatasetError(`${d.name} has class labels: ${outputId} (a Regression output) needs target values; use a Softmax output`);
    if (d.targetShape.join('×') !== outShape.join('×')) {
      throw new GraphError(`the output is ${outShape.join('×')} but ${d.name}'s targets are ${d.targetShape.join('×')}`, outputId);
    }
  }
}

/** The weights a run starts from fit the graph by the rule loading and saving use (io/weights.ts). */
function checkWeights(report: ShapeReport, weights: WeightMap, what: string): void {
  try {
    checkWeightsFit(report, weights);
  } catch (e) {
    if (e instanceof FormatError) throw new GraphError(`${what} do not fit the graph: ${e.message}`);
    throw e;
  }
}
