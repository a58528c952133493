/**
 * The training session: one run of one graph on one dataset, driven by protocol commands and
 * reporting protocol events. Written once for every host — the Node worker (Electron utility
 * process or forked child) and the browser's Web Worker — which inject the device, the dataset
 * opener, the checkpoint store and the way to let incoming messages in between steps.
 *
 * Determinism: weights start from the run's seed; the batch order and augmentation depend only
 * on (seed, epoch, step); dropout draws are made on the device from (seed, step, layer, element).
 * So pausing changes nothing, and a run resumed from a checkpoint — in a new process, after a
 * restart — takes exactly the steps the uninterrupted run takes.
 *
 * Steps run in chunks (several steps per plan call, `chunking.ts`): the weights and optimizer
 * slots stay on the device through a chunk and cross to JavaScript once at its end, where pause,
 * stop, checkpoints and requests are taken. Any chunking gives the same weights bit for bit.
 */
import type { BackendName, Device } from '../backend/device';
import { DataPipeline, type Batch } from '../data/pipeline';
import { applyPreprocessing } from '../data/preprocessing';
import type { DatasetRef, OpenContext } from '../data/ref';
import { deriveSeed } from '../data/seed';
import { DatasetError, type Dataset } from '../data/types';
import { GraphError } from '../graph/errors';
import type { Graph } from '../graph/types';
import { parseGraph } from '../graph/validate';
import { size } from '../layers/spec';
import { inferShapes, type ShapeReport } from '../shapes/inferShapes';
import { Rng } from '../util/rng';
import {
  errorEvent,
  event,
  parseCommand,
  type Hyperparameters,
  type ParsedCommand,
  type WorkerEvent,
} from './protocol';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpointChunks,
  type CheckpointState,
  type CheckpointStore,
  type EpochAccumulator,
  type EpochMetricsRecord,
} from '../train/checkpoint';
import { estimateTrainingMemory, judgeMemory, type MemoryLimit } from '../train/memory-estimate';
import { MetricsAccumulator } from '../train/metrics';
import { chunkSteps, maxChunkSteps, stateBytes } from '../train/chunking';
import { compileInference, compileTrainSteps, type Inference, type TrainSteps } from '../train/network';
import { compileSaliency, type SaliencyPlan } from '../train/saliency';
import { initWeights, tensorSlots, type WeightMap } from '../train/weights';

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

type Phase = 'start' | 'data' | 'step' | 'validation' | 'checkpoint' | 'request';

/** Chunk plans (besides the one-step plan) kept compiled at once. */
const MAX_CHUNK_PLANS = 2;

/** An error that knows where it happened (and which layer, for divergence). */
class RunError extends Error {
  constructor(
    message: string,
    readonly phase: Phase,
    readonly node: string | null = null,
  ) {
    super(message);
  }
}

interface SavedCheckpoint {
  path: string;
  epoch: number;
  step: number;
}

interface Run {
  graph: Graph;
  report: ShapeReport;
  hyper: Hyperparameters;
  data: DatasetRef;
  /** The host's arguments for this run, written into its checkpoints. */
  runArgs: Record<string, unknown> | null;
  dataset: Dataset;
  pipeline: DataPipeline;
  device: Device;
  /** One step per call; `chunks` holds the longer plans, compiled on first use. */
  train: TrainSteps;
  chunks: Map<number, TrainSteps>;
  validate: Inference;
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
  classifier: boolean;
  /** Set when the loop stopped on an error (divergence, bad data): no more checkpoints of it. */
  failed: boolean;
}

const freshAccum = (): EpochAccumulator => ({ lossSum: 0, correct: 0, samples: 0, steps: 0, seconds: 0 });

function copyMap(m: WeightMap): WeightMap {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.slice()]));
}

export class TrainingSession {
  private run: Run | null = null;
  private state: 'idle' | 'starting' | 'running' | 'paused' | 'ended' = 'idle';
  private pauseRequested = false;
  private stopRequested: { checkpoint: boolean } | null = null;
  private checkpointRequested = false;
  private wake: (() => void) | null = null;
  /** One device user at a time: requests wait for the step in flight. */
  private deviceQueue: Promise<unknown> = Promise.resolve();
  private lastCheckpointAt = -Infinity;

  constructor(private readonly host: SessionHost) {}

  /** Entry point for every incoming message. Never throws: problems become error events. */
  handle(raw: unknown): void {
    let cmd: ParsedCommand;
    try {
      cmd = parseCommand(raw);
    } catch (e) {
      this.postError((e as Error).message, 'command', null);
      return;
    }
    switch (cmd.type) {
      case 'start':
        if (this.state === 'starting' || this.state === 'running' || this.state === 'paused') {
          this.postError('a run is already in progress: stop it before starting another', 'command', null);
          return;
        }
        this.state = 'starting';
        void this.start(cmd);
        return;
      case 'pause':
        // honoured at the next step boundary (the first one, when sent before `ready`)
        if (this.state === 'running' || this.state === 'starting') this.pauseRequested = true;
        return;
      case 'resume':
        if (this.pauseRequested || this.state === 'paused') {
          this.pauseRequested = false;
          this.wake?.();
        }
        return;
      case 'stop':
        if (this.state === 'starting' || this.state === 'running' || this.state === 'paused') {
          this.stopRequested = { checkpoint: cmd.checkpoint };
          this.wake?.();
        }
        return;
      case 'checkpoint':
        this.checkpointRequested = true;
        // a running loop takes it after the step in flight; otherwise now
        if (this.state !== 'running' && this.state !== 'starting') void this.writeRequestedCheckpoint();
        return;
      case 'evaluate':
        void this.request(cmd.requestId, () => this.evaluate(cmd.requestId));
        return;
      case 'infer':
        void this.request(cmd.requestId, () => this.infer(cmd.requestId, cmd.x, cmd.sample));
        return;
      case 'saliency':
        void this.request(cmd.requestId, () => this.explain(cmd.requestId, cmd.sample, cmd.classIndex));
        return;
      case 'getWeights':
        void this.request(cmd.requestId, async () => {
          const r = this.requireRun();
          this.host.post(event({ type: 'weights', requestId: cmd.requestId, weights: copyMap(r.weights) }));
        });
        return;
    }
  }

  // ---- start -------------------------------------------------------------------------------

  private async start(cmd: Extract<ParsedCommand, { type: 'start' }>): Promise<void> {
    this.pauseRequested = false;
    this.stopRequested = null;
    this.checkpointRequested = false;
    this.lastCheckpointAt = -Infinity;
    try {
      this.disposeRun();
      this.run = await this.prepare(cmd);
    } catch (e) {
      this.state = 'ended';
      this.fail(e, 'start');
      return;
    }
    const r = this.run;
    this.host.post(
      event({
        type: 'ready',
        backend: r.device.mode,
        requested: r.device.requested,
        adapter: r.device.adapter,
        dataset: {
          name: r.dataset.name,
          classes: r.dataset.classes,
          inputShape: r.dataset.inputShape,
          trainCount: r.pipeline.trainCount,
          valCount: r.pipeline.valCount,
          stepsPerEpoch: r.pipeline.stepsPerEpoch,
          preprocessing: r.pipeline.preprocessing,
        },
        epochs: r.hyper.epochs,
        resumedFrom: cmd.checkpoint !== undefined ? { epoch: r.epoch + 1, step: r.step } : null,
      }),
    );
    if (this.stopRequested) {
      await this.finish('stopped');
      return;
    }
    this.state = 'running';
    try {
      await this.loop();
    } catch (e) {
      this.state = 'ended';
      r.failed = true;
      this.fail(e, 'step');
    }
  }

  private async prepare(cmd: Extract<ParsedCommand, { type: 'start' }>): Promise<Run> {
    const hyper = cmd.hyper;
    let ckpt: CheckpointState | null = null;
    if (cmd.checkpoint !== undefined) {
      const where = typeof cmd.checkpoint === 'string' ? cmd.checkpoint : 'checkpoint';
      ckpt = typeof cmd.checkpoint === 'string' ? await this.host.store.load(cmd.checkpoint) : decodeCheckpoint(cmd.checkpoint, where);
      checkSameRun(ckpt, hyper, cmd.data, where);
    }
    const graph = parseGraph(cmd.graph);
    const report = inferShapes(graph);
    if (!report.ok) throw new GraphError(`the graph has errors: ${report.errors.map((e) => e.message).join('; ')}`, report.errors[0]?.node ?? null);
    const input = report.nodes.find((n) => n.type === 'Input');
    const output = report.nodes.find((n) => n.spec?.output);
    if (!input || !output) throw new GraphError('training needs an Input node and an output layer (Softmax classifier or Regression)');
    const limit = this.host.memoryLimit?.();
    if (limit) {
      const memory = judgeMemory(estimateTrainingMemory(report, { batch: hyper.batchSize, optimizer: hyper.optimizer.name }), limit, hyper.backend);
      if (memory.verdict === 'too-big') throw new RunError(memory.message, 'start');
    }

    this.host.post(event({ type: 'phase', phase: 'data' }));
    const dataset = await this.host.openDataset(cmd.data, { inputShape: input.outputShape!, seed: hyper.seed });
    try {
      checkDataFitsOutput(dataset, output.id, output.spec!.output!.targets, output.outputShape!);
      const pipeline = await DataPipeline.create(dataset, {
        batch: hyper.batchSize,
        seed: hyper.seed,
        valFraction: hyper.validationSplit,
        normalize: hyper.normalize,
        normalization: ckpt?.normalization ?? undefined,
        shuffle: hyper.shuffle,
        augment: { cropPadding: hyper.augmentation.randomCrop, flip: hyper.augmentation.flipHorizontal },
      });
      this.host.post(event({ type: 'phase', phase: 'compile' }));
      const device = await this.host.createDevice(hyper.backend);
      const optimizer = { ...hyper.optimizer, weightDecay: hyper.weightDecay };
      const train = compileTrainSteps(graph, device, { batch: hyper.batchSize, optimizer, steps: 1 });
      const validate = compileInference(graph, device, { batch: hyper.batchSize });
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
        train,
        chunks: new Map([[1, train]]),
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
        classifier: output.spec!.output!.targets === 'class',
        failed: false,
      };
    } catch (e) {
      await dataset.close?.();
      throw e;
    }
  }

  // ---- the loop ----------------------------------------------------------------------------

  private async loop(): Promise<void> {
    const r = this.run!;
    const { hyper } = r;
    while (r.epoch < hyper.epochs) {
      const outcome = await this.trainEpoch();
      if (outcome === 'stopped') return this.finish('stopped');
      await this.endEpoch();
      // the next epoch begins here: a checkpoint taken now resumes at its first step
      r.epoch++;
      r.step = 0;
      r.accum = freshAccum();
      if (outcome === 'target-loss') return this.finish('target-loss');
      const sinceLast = (this.host.now() - this.lastCheckpointAt) / 1000;
      if (this.autoCheckpoints() && hyper.checkpointEachEpoch && r.epoch < hyper.epochs && sinceLast >= hyper.checkpointMinSeconds) {
        await this.checkpoint('epoch');
      }
    }
    return this.finish('completed');
  }

  /** The steps of the epoch in progress, from where it stands, a chunk of steps per plan call. */
  private async trainEpoch(): Promise<'done' | 'stopped' | 'target-loss'> {
    const r = this.run!;
    const { hyper, pipeline } = r;
    const batches = pipeline.trainBatches(r.epoch, r.step);
    const inSize = size(r.train.graph.input.outputShape!);
    const maxSteps = maxChunkSteps(hyper.batchSize * (inSize + size(r.train.graph.output!.outputShape!)) * 4, stateBytes(r.train.graph.slots, hyper.optimizer.name));
    // samples/s over the steps since the last step event
    let windowStart = this.host.now();
    let windowSamples = 0;
    for (;;) {
      const beforeGate = this.host.now();
      if (await this.gate()) return 'stopped';
      // training time only: the gate (a pause, the page's messages) is neither the live rate's nor the epoch's
      const chunkStart = this.host.now();
      windowStart += chunkStart - beforeGate;
      const every = hyper.checkpointEverySteps;
      const want = chunkSteps({
        left: pipeline.stepsPerEpoch - r.step,
        toCheckpoint: this.autoCheckpoints() && every > 0 ? every - (r.globalStep % every) : Infinity,
        max: maxSteps,
        stepSeconds: r.stepSeconds,
        stopAtLoss: hyper.stopAtLoss !== null,
      });
      const chunk: (Batch & { step: number })[] = [];
      while (chunk.length < want) {
        let next: IteratorResult<Batch & { step: number }>;
        try {
          next = await batches.next();
        } catch (e) {
          throw new RunError(`reading training data, epoch ${r.epoch + 1}, step ${r.step + chunk.length + 1}: ${(e as Error).message}`, 'data');
        }
        if (next.done) break;
        chunk.push(next.value);
      }
      if (chunk.length === 0) return 'done';
      const plan = this.chunkPlan(chunk.length);
      const started = this.host.now();
      const out = await this.exclusive(() =>
        plan.run({ batches: chunk, weights: r.weights, optimizerState: r.optimizerState, firstStep: r.globalStep + 1, seed: r.randomSeed }),
      );
      const bad = out.losses.findIndex((l) => !Number.isFinite(l));
      if (bad >= 0) throw await this.divergedInChunk(chunk, bad);
      const ended = this.host.now();
      r.stepSeconds = (ended - started) / 1000 / chunk.length;
      r.weights = out.weights;
      r.optimizerState = out.optimizerState;
      // reading the batches counts, as it does in the live rate
      r.accum.seconds += (ended - chunkStart) / 1000;
      for (let k = 0; k < chunk.length; k++) {
        const batch = chunk[k];
        const loss = out.losses[k];
        r.globalStep++;
        r.step++;
        r.accum.lossSum += loss;
        r.accum.steps++;
        r.accum.samples += batch.count;
        if (r.classifier) r.accum.correct += out.corrects[k];
        windowSamples += batch.count;
        if (r.globalStep % hyper.stepMetricsEvery === 0) {
          // the steps of a chunk end together: spread its time evenly over them
          const now = started + ((ended - started) * (k + 1)) / chunk.length;
          const seconds = (now - windowStart) / 1000;
          this.host.post(
            event({
              type: 'step',
              epoch: r.epoch + 1,
              step: r.step,
              stepsPerEpoch: pipeline.stepsPerEpoch,
              globalStep: r.globalStep,
              loss,
              accuracy: r.classifier ? out.corrects[k] / batch.count : null,
              samplesPerSec: seconds > 0 ? windowSamples / seconds : 0,
            }),
          );
          windowStart = now;
          windowSamples = 0;
        }
      }
      if (this.autoCheckpoints() && every > 0 && r.globalStep % every === 0) await this.checkpoint('interval');
      if (this.checkpointRequested) await this.writeRequestedCheckpoint();
      // chunks are one step long when a target loss is set
      if (hyper.stopAtLoss !== null && out.losses[chunk.length - 1] < hyper.stopAtLoss) return 'target-loss';
    }
  }

  /** The plan for `steps` steps per call, compiled on first use. */
  private chunkPlan(steps: number): TrainSteps {
    const r = this.run!;
    let plan = r.chunks.get(steps);
    if (plan) {
      // most recently used last
      r.chunks.delete(steps);
    } else {
      // every plan holds its own device buffers (a VGG-16 step's activations are hundreds of MB):
      // keep the one-step plan and the two chunk sizes used last, release the rest
      const others = [...r.chunks.keys()].filter((k) => k !== 1);
      for (const k of others.slice(0, Math.max(0, others.length - (MAX_CHUNK_PLANS - 1)))) {
        r.chunks.get(k)!.destroy();
        r.chunks.delete(k);
      }
      const optimizer = { ...r.hyper.optimizer, weightDecay: r.hyper.weightDecay };
      plan = compileTrainSteps(r.graph, r.device, { batch: r.hyper.batchSize, optimizer, steps });
    }
    r.chunks.set(steps, plan);
    return plan;
  }

  /**
   * Step `bad` of a chunk had a non-finite loss: replay the steps before it one at a time (each
   * gives the same numbers as in the chunk) so the weights are those the failing step started
   * from, then diagnose as for a single step.
   */
  private async divergedInChunk(chunk: (Batch & { step: number })[], bad: number): Promise<RunError> {
    const r = this.run!;
    for (let k = 0; k < bad; k++) {
      const out = await this.exclusive(() =>
        r.train.run({ batches: [chunk[k]], weights: r.weights, optimizerState: r.optimizerState, firstStep: r.globalStep + 1, seed: r.randomSeed }),
      );
      r.weights = out.weights;
      r.optimizerState = out.optimizerState;
      r.globalStep++;
      r.step++;
    }
    const out = await this.exclusive(() =>
      r.train.run({ batches: [chunk[bad]], weights: r.weights, optimizerState: r.optimizerState, firstStep: r.globalStep + 1, seed: r.randomSeed }),
    );
    return this.diverged(out.losses[0], chunk[bad]);
  }

  /** Between steps: let messages in, honour pause (waiting) and stop. True when stopping. */
  private async gate(): Promise<boolean> {
    await this.host.yieldToEvents();
    if (this.pauseRequested && !this.stopRequested) {
      const r = this.run!;
      this.state = 'paused';
      this.host.post(event({ type: 'paused', epoch: r.epoch + 1, step: r.step }));
      if (this.checkpointRequested) await this.writeRequestedCheckpoint();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      if (!this.stopRequested) {
        this.state = 'running';
        this.host.post(event({ type: 'resumed' }));
      }
    }
    return this.stopRequested !== null;
  }

  private async endEpoch(): Promise<void> {
    const r = this.run!;
    const acc = new MetricsAccumulator(r.classifier ? r.dataset.classes!.length : null, size(r.train.graph.output!.outputShape!));
    try {
      for await (const b of r.pipeline.valBatches()) {
        const out = await this.exclusive(() => r.validate.run(b.x, r.weights));
        acc.add(out[r.train.graph.output!.id], b.targets, b.count);
      }
    } catch (e) {
      throw new RunError(`validation after epoch ${r.epoch + 1}: ${(e as Error).message}`, 'validation');
    }
    const a = r.accum;
    r.lastMetrics = {
      epoch: r.epoch + 1,
      trainLoss: a.steps > 0 ? a.lossSum / a.steps : NaN,
      trainAccuracy: r.classifier && a.samples > 0 ? a.correct / a.samples : null,
      // an overflowing validation loss has no number to report (JSON has no ∞)
      valLoss: acc.loss !== null && Number.isFinite(acc.loss) ? acc.loss : null,
      valAccuracy: acc.accuracy,
    };
    this.host.post(
      event({ type: 'epoch', ...r.lastMetrics, seconds: a.seconds, samplesPerSec: a.seconds > 0 ? a.samples / a.seconds : 0 }),
    );
  }

  private async finish(reason: 'completed' | 'stopped' | 'target-loss'): Promise<void> {
    const r = this.run!;
    if (reason === 'stopped' && this.stopRequested?.checkpoint) {
      try {
        await this.checkpoint('stop');
      } catch (e) {
        this.fail(e, 'checkpoint');
      }
    }
    this.state = 'ended';
    this.stopRequested = null;
    this.host.post(
      event({
        type: 'finished',
        reason,
        weights: copyMap(r.weights),
        // epochs completed (a target-loss stop ends and validates the epoch it is in)
        epochs: r.epoch,
        globalStep: r.globalStep,
        metrics: r.lastMetrics && Number.isFinite(r.lastMetrics.trainLoss) ? r.lastMetrics : null,
      }),
    );
  }

  // ---- checkpoints -------------------------------------------------------------------------

  /** Scheduled checkpoints need somewhere to go: a path, or a store that keeps them itself. */
  private autoCheckpoints(): boolean {
    return this.run!.hyper.checkpointPath !== null || !this.host.store.durable;
  }

  private async checkpoint(reason: 'interval' | 'epoch' | 'request' | 'stop'): Promise<void> {
    const r = this.run!;
    const chunks = encodeCheckpointChunks({
      epoch: r.epoch,
      step: r.step,
      globalStep: r.globalStep,
      rng: r.rng.getState(),
      accum: { ...r.accum },
      lastMetrics: r.lastMetrics,
      normalization: r.pipeline.normalization,
      run: { graph: r.graph, data: r.data, hyper: r.hyper, preprocessing: r.pipeline.preprocessing, ...(r.runArgs ? { args: r.runArgs } : {}) },
      weights: r.weights,
      optimizerState: r.optimizerState,
    }, this.host.store.crc32);
    let path: string;
    try {
      // the chunks alias the live tensors: written before training goes on
      path = await this.host.store.write(r.hyper.checkpointPath, chunks);
    } catch (e) {
      throw new RunError((e as Error).message, 'checkpoint');
    }
    r.lastCheckpoint = { path, epoch: r.epoch, step: r.step };
    this.lastCheckpointAt = this.host.now();
    this.host.post(
      event({
        type: 'checkpoint',
        path,
        epoch: r.epoch + 1,
        step: r.step,
        globalStep: r.globalStep,
        reason,
        ...(this.host.store.durable ? {} : { bytes: await this.host.store.read(path) }),
      }),
    );
  }

  private async writeRequestedCheckpoint(): Promise<void> {
    this.checkpointRequested = false;
    if (!this.run) {
      this.postError('no run to checkpoint: start one first', 'request', null);
      return;
    }
    if (this.run.failed) {
      // its weights are the ones that failed: writing them would replace the last good checkpoint
      this.postError(`the run failed; the last good checkpoint is kept${this.run.lastCheckpoint ? ` (${this.run.lastCheckpoint.path})` : ''}`, 'request', null);
      return;
    }
    try {
      await this.checkpoint('request');
    } catch (e) {
      this.fail(e, 'checkpoint');
    }
  }

  // ---- divergence --------------------------------------------------------------------------

  /** A NaN/∞ loss: find the first layer whose output is not finite on the failing batch. */
  private async diverged(loss: number, batch: Batch): Promise<RunError> {
    const r = this.run!;
    const where = `epoch ${r.epoch + 1}, step ${r.step + 1} (step ${r.globalStep + 1} of the run)`;
    const hint = `try a lower learning rate (now ${r.hyper.optimizer.lr})`;
    for (const s of tensorSlots(r.report)) {
      const t = r.weights[s.key];
      if (t && !t.every(Number.isFinite)) {
        return new RunError(`training diverged at ${where}: the loss is ${loss}; tensor ${s.key} already holds non-finite values — ${hint}`, 'step', s.node);
      }
    }
    let culprit: string | null = null;
    try {
      const probe = this.probe(r.hyper.batchSize);
      const outs = await this.exclusive(() => probe.run(batch.x, r.weights));
      culprit = r.report.nodes.map((n) => n.id).find((id) => !outs[id].every(Number.isFinite)) ?? null;
    } catch {
      // the diagnosis is a courtesy: the divergence itself is what gets reported
    }
    const output = r.train.graph.output!;
    const batchNorm = r.report.nodes.some((n) => n.type === 'BatchNorm') ? ' (or a BatchNorm batch statistic, which inference does not use)' : '';
    const layer = culprit
      ? `the first non-finite value is in the output of layer ${culprit} (${r.report.byId.get(culprit)!.type})`
      : `every layer's output is finite in an inference pass: the loss of ${output.id} (${output.type}) overflowed${batchNorm}`;
    return new RunError(`training diverged at ${where}: the loss is ${loss}; ${layer} — ${hint}`, 'step', culprit ?? output.id);
  }

  private probe(batch: number): Inference {
    const r = this.requireRun();
    let p = r.probe.get(batch);
    if (!p) r.probe.set(batch, (p = compileInference(r.graph, r.device, { batch, allOutputs: true })));
    return p;
  }

  // ---- requests ----------------------------------------------------------------------------

  private async evaluate(requestId: number): Promise<void> {
    const r = this.requireRun();
    const output = r.train.graph.output!;
    const acc = new MetricsAccumulator(r.classifier ? r.dataset.classes!.length : null, size(output.outputShape!), true);
    for await (const b of r.pipeline.valBatches()) {
      const out = await this.exclusive(() => r.validate.run(b.x, r.weights));
      acc.add(out[output.id], b.targets, b.count);
    }
    this.host.post(event({ type: 'evaluation', requestId, loss: acc.loss, accuracy: acc.accuracy, count: acc.samples, confusion: acc.confusion, samples: acc.perSample }));
  }

  private async infer(requestId: number, x: Float32Array | undefined, sample: number | undefined): Promise<void> {
    const r = this.requireRun();
    const inSize = size(r.train.graph.input.outputShape!);
    let input: Float32Array;
    if (x) {
      if (x.length !== inSize) throw new RunError(`infer: the sample has ${x.length} values, the Input needs ${inSize} (${r.train.graph.input.outputShape!.join('×')})`, 'request');
      // a sample from outside is in the data's own units: preprocess it as training did
      input = applyPreprocessing(r.pipeline.preprocessing, { shape: [1, ...r.train.graph.input.outputShape!], data: x }).data;
    } else {
      const split = r.pipeline.valCount > 0 ? 'validation' : 'train';
      input = (await r.pipeline.sample(split, sample ?? 0)).x;
    }
    const probe = this.probe(1);
    const outs = await this.exclusive(() => probe.run(input, r.weights));
    const outputs: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const n of r.report.nodes) outputs[n.id] = { shape: [...n.outputShape!], data: outs[n.id] };
    this.host.post(event({ type: 'inference', requestId, outputs }));
  }

  private async explain(requestId: number, sample: number, classIndex: number | undefined): Promise<void> {
    const r = this.requireRun();
    const split = r.pipeline.valCount > 0 ? 'validation' : 'train';
    const s = await r.pipeline.sample(split, sample);
    r.saliency ??= compileSaliency(r.graph, r.device);
    const plan = r.saliency;
    const out = await this.exclusive(() => plan.run(s.x, r.weights, classIndex));
    const inShape = out.inputShape;
    const hw = inShape.length === 3 ? inShape.slice(1) : [1, inShape[0]];
    this.host.post(
      event({
        type: 'saliency',
        requestId,
        classIndex: out.classIndex,
        scores: out.scores,
        label: r.classifier ? s.y[0] : null,
        input: { shape: inShape, data: s.x },
        layer: out.layer,
        gradCam: { shape: out.layerShape.slice(1), data: out.gradCam },
        saliency: { shape: hw, data: out.saliency },
      }),
    );
  }

  private async request(requestId: number, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.postError(e instanceof Error ? e.message : String(e), 'request', null, requestId);
    }
  }

  private requireRun(): Run {
    if (!this.run) throw new RunError('no run yet: send start first', 'request');
    return this.run;
  }

  /** Run device work after whatever is in flight (the device runs one plan at a time). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.deviceQueue.then(fn, fn);
    this.deviceQueue = p.catch(() => undefined);
    return p;
  }

  // ---- errors ------------------------------------------------------------------------------

  private fail(e: unknown, phase: Phase): void {
    const r = this.run;
    const message = e instanceof Error ? e.message : String(e);
    const p = e instanceof RunError ? e.phase : e instanceof DatasetError ? 'data' : e instanceof CheckpointError ? 'checkpoint' : phase;
    const node = e instanceof RunError ? e.node : e instanceof GraphError ? e.node : null;
    const saved = r?.lastCheckpoint ? ` The last good checkpoint is ${r.lastCheckpoint.path} (epoch ${r.lastCheckpoint.epoch + 1} after step ${r.lastCheckpoint.step}).` : '';
    this.postError(message + saved, p, node);
  }

  private postError(message: string, phase: Phase | 'command', node: string | null, requestId: number | null = null): void {
    const r = this.run;
    const running = phase === 'step' || phase === 'data' || phase === 'validation' || phase === 'checkpoint';
    this.host.post(
      errorEvent(message, phase, {
        epoch: running && r ? r.epoch + 1 : null,
        step: running && r ? r.step : null,
        node,
        saved: { checkpoint: r?.lastCheckpoint?.path ?? null, epoch: r?.lastCheckpoint ? r.lastCheckpoint.epoch + 1 : null, step: r?.lastCheckpoint?.step ?? null },
        requestId,
      }),
    );
  }

  private disposeRun(): void {
    const r = this.run;
    if (!r) return;
    this.run = null;
    void r.dataset.close?.();
    for (const t of r.chunks.values()) t.destroy();
    r.validate.destroy();
    for (const p of r.probe.values()) p.destroy();
    r.saliency?.destroy();
    r.device.destroy();
  }
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

function checkWeights(report: ShapeReport, weights: WeightMap, what: string): void {
  const problems: string[] = [];
  const slots = tensorSlots(report);
  for (const s of slots) {
    const t = weights[s.key];
    if (!t) problems.push(`${s.key} is missing (needs ${s.shape.join('×')})`);
    else if (t.length !== s.size) problems.push(`${s.key} has ${t.length} values, the graph needs ${s.shape.join('×')} = ${s.size}`);
  }
  const known = new Set(slots.map((s) => s.key));
  for (const k of Object.keys(weights)) if (!known.has(k)) problems.push(`${k} is not a tensor of this graph`);
  if (problems.length) throw new GraphError(`${what} do not fit the graph: ${problems.join('; ')}`);
}
