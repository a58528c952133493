/**
 * The training worker's message protocol: every command the parent sends and every event the
 * worker answers with, as zod schemas, versioned, and checked on receipt on both sides (a
 * message crosses a process boundary: nothing about it is trusted).
 *
 * Tensors travel as Float32Array (structured clone: Electron's MessagePort, a Web Worker, and
 * `child_process.fork` with `serialization: 'advanced'` all carry typed arrays as they are).
 */
import { z } from 'zod';
import { PreprocessingSchema } from '../data/preprocessing';
import { DatasetRefSchema } from '../data/ref';
import { BatchSizeSchema, EpochsSchema, NormalizeSchema, OptimizerSchema, TrainingCoreFields } from '../io/settings';

export const PROTOCOL_VERSION = 1;

const v = z.literal(PROTOCOL_VERSION);
// z.custom keeps the plain Float32Array type (instanceof narrows to Float32Array<ArrayBuffer>)
const f32 = z.custom<Float32Array>((x) => x instanceof Float32Array, 'must be a Float32Array');
const bytes = z.custom<Uint8Array>((x) => x instanceof Uint8Array, 'must be a Uint8Array');
const i32 = z.custom<Int32Array>((x) => x instanceof Int32Array, 'must be an Int32Array');
const Tensors = z.record(z.string(), f32);
/** zod 4's number() refuses NaN and ±Infinity already: a loss that is a number is finite. */
const finite = z.number();
/** JSON-safe metric: null where the value does not exist (accuracy of a regression). */
const metric = z.number().nullable();

/** A project's training settings (io/settings.ts: one set of names and limits), as a run receives them. */
export const HyperparametersSchema = z.strictObject({
  ...TrainingCoreFields,
  epochs: EpochsSchema,
  batchSize: BatchSizeSchema,
  optimizer: OptimizerSchema,
  /** `unit`: pixels in [0, 1]; `standardize`: per-channel zero mean, unit variance; `none`: values as stored (bytes 0–255). */
  normalize: NormalizeSchema.default('unit'),
  /** A step-metrics event every N training steps. */
  stepMetricsEvery: z.number().int().min(1).default(1),
  /** Where checkpoints go (replaced atomically each time); null: only in memory (web). */
  checkpointPath: z.string().min(1).nullable().default(null),
  /** A checkpoint every N steps (0: none between epochs). */
  checkpointEverySteps: z.number().int().min(0).default(0),
  /** A checkpoint at the end of every epoch… */
  checkpointEachEpoch: z.boolean().default(true),
  /** …unless the last one is more recent than this many seconds (a kernel fit has thousands of one-step epochs). */
  checkpointMinSeconds: z.number().min(0).default(5),
  /** Stop as soon as a step's training loss is below this (the seed's kernel fit stops at 1e-7). */
  stopAtLoss: z.number().positive().nullable().default(null),
});
export type Hyperparameters = z.output<typeof HyperparametersSchema>;
export type HyperparametersInput = z.input<typeof HyperparametersSchema>;

// ---- commands: parent → worker --------------------------------------------------------------

export const StartSchema = z.strictObject({
  v,
  type: z.literal('start'),
  /** A Graph IR value; checked by the engine's own graph parser. */
  graph: z.unknown(),
  data: DatasetRefSchema,
  hyper: HyperparametersSchema,
  /** Initial weights by `<nodeId>.<name>`. */
  weights: Tensors.optional(),
  /** Resume from a checkpoint: a path the worker reads, or the checkpoint's bytes. */
  checkpoint: z.union([z.string().min(1), bytes]).optional(),
  /** The host's own arguments (the CLI's --out, --epochs, …), kept in checkpoints so a resume can continue the same run. */
  runArgs: z.record(z.string(), z.json()).optional(),
  /**
   * A preview, not training: the run opens the data and the weights, sends `ready` and then only
   * answers requests (`infer`, `saliency`, `getWeights`) until `stop`. It needs no output layer, does
   * not check the data against one, and compiles no training plan. Absent or false: training.
   */
  preview: z.boolean().optional(),
});

const RequestId = z.number().int().min(0);

export const CommandSchema = z.discriminatedUnion('type', [
  StartSchema,
  z.strictObject({ v, type: z.literal('pause') }),
  z.strictObject({ v, type: z.literal('resume') }),
  /** Stop after the current step; `checkpoint` writes one first. */
  z.strictObject({ v, type: z.literal('stop'), checkpoint: z.boolean().default(false) }),
  /** Write a checkpoint after the current step. */
  z.strictObject({ v, type: z.literal('checkpoint') }),
  /** Loss, accuracy and confusion matrix on the validation split with the current weights. */
  z.strictObject({ v, type: z.literal('evaluate'), requestId: RequestId }),
  /** One sample through the network, every layer's output back (feature maps). */
  z.strictObject({
    v,
    type: z.literal('infer'),
    requestId: RequestId,
    /** The sample (one Input's worth of values, in the data's own units: the run's preprocessing is applied), or a validation sample by index. */
    x: f32.optional(),
    sample: z.number().int().min(0).optional(),
  }),
  z.strictObject({ v, type: z.literal('getWeights'), requestId: RequestId }),
  /** Why the network answers what it does for one validation sample: Grad-CAM on the last Conv2D and input-gradient saliency. */
  z.strictObject({
    v,
    type: z.literal('saliency'),
    requestId: RequestId,
    sample: z.number().int().min(0),
    /** The class to explain; absent: the predicted one. */
    classIndex: z.number().int().min(0).optional(),
  }),
]);
export type Command = z.input<typeof CommandSchema>;
export type ParsedCommand = z.output<typeof CommandSchema>;
export type StartCommand = z.input<typeof StartSchema>;

// ---- events: worker → parent ----------------------------------------------------------------

/**
 * Counting in events is 1-based, as people count: `epoch` is the epoch in progress (or just
 * finished), `step` the steps done in it.
 */
const EpochMetrics = {
  epoch: z.number().int(),
  trainLoss: finite,
  trainAccuracy: metric,
  /** Null when there is no validation data. */
  valLoss: metric,
  valAccuracy: metric,
};

export const EventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    v,
    type: z.literal('ready'),
    /** The gpu.js mode whose kernels run (never a silent fall back). */
    backend: z.string(),
    requested: z.string(),
    adapter: z.string().nullable(),
    dataset: z.strictObject({
      name: z.string(),
      classes: z.array(z.string()).nullable(),
      inputShape: z.array(z.number()),
      trainCount: z.number(),
      valCount: z.number(),
      stepsPerEpoch: z.number(),
      /** What the run does to the data's values before the network sees them: saved with the weights. Optional only for records written before it existed. */
      preprocessing: PreprocessingSchema.optional(),
    }),
    epochs: z.number(),
    /** Where a resumed run picks up (epoch, steps already done in it); null for a fresh run. */
    resumedFrom: z.strictObject({ epoch: z.number(), step: z.number() }).nullable(),
  }),
  /** What the worker is doing before the first step, so a slow start shows its sub-steps. */
  z.strictObject({ v, type: z.literal('phase'), phase: z.enum(['data', 'compile']) }),
  z.strictObject({
    v,
    type: z.literal('step'),
    epoch: z.number().int(),
    /** The step just taken, 1 … stepsPerEpoch. */
    step: z.number().int(),
    stepsPerEpoch: z.number().int(),
    globalStep: z.number().int(),
    loss: finite,
    accuracy: metric,
    samplesPerSec: z.number(),
  }),
  z.strictObject({ v, type: z.literal('epoch'), ...EpochMetrics, seconds: z.number(), samplesPerSec: z.number() }),
  z.strictObject({
    v,
    type: z.literal('checkpoint'),
    /** File path, or `memory:` where there is no file system. */
    path: z.string(),
    epoch: z.number().int(),
    step: z.number().int(),
    globalStep: z.number().int(),
    reason: z.enum(['interval', 'epoch', 'request', 'stop']),
    /** The checkpoint itself, where it was not written to a file. */
    bytes: bytes.optional(),
  }),
  z.strictObject({ v, type: z.literal('paused'), epoch: z.number().int(), step: z.number().int() }),
  z.strictObject({ v, type: z.literal('resumed') }),
  z.strictObject({
    v,
    type: z.literal('finished'),
    reason: z.enum(['completed', 'stopped', 'target-loss']),
    weights: Tensors,
    /** Epochs completed. */
    epochs: z.number().int(),
    globalStep: z.number().int(),
    /** The last epoch's metrics, null when stopped before the first epoch ended. */
    metrics: z.strictObject(EpochMetrics).nullable(),
  }),
  z.strictObject({
    v,
    type: z.literal('error'),
    message: z.string(),
    where: z.strictObject({
      phase: z.enum(['command', 'start', 'data', 'step', 'validation', 'checkpoint', 'request', 'worker']),
      epoch: z.number().int().nullable(),
      step: z.number().int().nullable(),
      /** The layer at fault (divergence, graph errors). */
      node: z.string().nullable(),
    }),
    /** What is safe on disk: the last good checkpoint. */
    saved: z.strictObject({ checkpoint: z.string().nullable(), epoch: z.number().int().nullable(), step: z.number().int().nullable() }),
    /** A request that failed, so the parent can answer its caller. */
    requestId: RequestId.nullable(),
  }),
  z.strictObject({
    v,
    type: z.literal('evaluation'),
    requestId: RequestId,
    loss: metric,
    accuracy: metric,
    count: z.number().int(),
    /** confusion[true][predicted], classifiers only. */
    confusion: z.array(z.array(z.number().int())).nullable(),
    /** Each validation sample's true and predicted class, numbered as `infer`'s `sample` (classifiers only): which samples make up a confusion cell. */
    samples: z.strictObject({ truth: i32, predicted: i32 }).nullable().optional(),
  }),
  z.strictObject({
    v,
    type: z.literal('inference'),
    requestId: RequestId,
    /** Every node's output for the one sample, flat, with its per-sample shape. */
    outputs: z.record(z.string(), z.strictObject({ shape: z.array(z.number()), data: f32 })),
  }),
  z.strictObject({ v, type: z.literal('weights'), requestId: RequestId, weights: Tensors }),
  z.strictObject({
    v,
    type: z.literal('saliency'),
    requestId: RequestId,
    /** The class explained, the class scores (logits) and the sample's true class (null: not a classifier's data). */
    classIndex: z.number().int(),
    scores: f32,
    label: z.number().int().nullable(),
    /** The sample as the network sees it (preprocessed), [C, H, W]. */
    input: z.strictObject({ shape: z.array(z.number()), data: f32 }),
    /** The Conv2D Grad-CAM read, and its map (H×W of that layer, ReLU'd, unscaled). */
    layer: z.string(),
    gradCam: z.strictObject({ shape: z.array(z.number()), data: f32 }),
    /** max over channels of |∂score/∂input|, H×W of the Input. */
    saliency: z.strictObject({ shape: z.array(z.number()), data: f32 }),
  }),
]);
export type WorkerEvent = z.input<typeof EventSchema>;
export type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

/** Why a message was refused, in one line naming the field. */
function describeIssues(what: string, error: z.ZodError, raw: unknown): string {
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? ` "${String((raw as { type: unknown }).type)}"` : '';
  const issues = error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
  return `invalid ${what}${type}: ${issues}`;
}

function checkVersion(what: string, raw: unknown): void {
  const version = typeof raw === 'object' && raw !== null ? (raw as { v?: unknown }).v : undefined;
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(`${what} has protocol version ${JSON.stringify(version)}; this side speaks version ${PROTOCOL_VERSION}`);
  }
}

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function parseCommand(raw: unknown): ParsedCommand {
  checkVersion('command', raw);
  const r = CommandSchema.safeParse(raw);
  if (!r.success) throw new ProtocolError(describeIssues('command', r.error, raw));
  return r.data;
}

export function parseEvent(raw: unknown): z.output<typeof EventSchema> {
  checkVersion('event', raw);
  const r = EventSchema.safeParse(raw);
  if (!r.success) throw new ProtocolError(describeIssues('event', r.error, raw));
  return r.data;
}

/** Distribute Omit over a union, so each member keeps its own fields. */
type OmitV<T> = T extends unknown ? Omit<T, 'v'> : never;

/** A command with the protocol version filled in. */
export function command(c: OmitV<Command>): Command {
  return { v: PROTOCOL_VERSION, ...c } as Command;
}

export function event(e: OmitV<WorkerEvent>): WorkerEvent {
  return { v: PROTOCOL_VERSION, ...e } as WorkerEvent;
}

export type ErrorPhase = EventOf<'error'>['where']['phase'];

/**
 * The one way to build an error event (worker, hosts and clients alike): what went wrong, the
 * phase, and where known the place, the last good checkpoint and the failed request.
 */
export function errorEvent(
  message: string,
  phase: ErrorPhase,
  at: { epoch?: number | null; step?: number | null; node?: string | null; saved?: EventOf<'error'>['saved']; requestId?: number | null } = {},
): EventOf<'error'> {
  return {
    v: PROTOCOL_VERSION,
    type: 'error',
    message,
    where: { phase, epoch: at.epoch ?? null, step: at.step ?? null, node: at.node ?? null },
    saved: at.saved ?? { checkpoint: null, epoch: null, step: null },
    requestId: at.requestId ?? null,
  };
}
