/**
 * The training part of the Platform (`platform.training`): start a run in a worker that is
 * never the page's main thread, drive it, ask it questions, and keep runs across restarts.
 *
 * Implementations: `browser-training.ts` (a dedicated Web Worker running the engine's
 * web-host.ts; runs and checkpoints in IndexedDB) and `electron-training.ts` (IPC to main,
 * which spawns the worker as an Electron utilityProcess; runs and checkpoints under userData).
 *
 * Contract for consumers (the training panel, the visuals):
 * - `start(req)` resolves to a `RunHandle` once the worker exists; the run itself reports
 *   through `onEvent`: `ready` (backend that really runs, dataset counts), `step`, `epoch`,
 *   `checkpoint`, `paused`/`resumed`, `finished` (final weights and metrics), `error`, and the
 *   synthesised `exit` when the worker process ends (crash, or `close()`).
 * - The worker stays alive after `finished`, so `evaluate`, `infer` and `getWeights` keep
 *   answering with the trained weights until `close()` or the next `start`.
 * - `infer(sample)`: a Float32Array (one Input's worth of values, raw scale as the data gives
 *   them) or the index of a validation sample; answers every node's output for that sample,
 *   by node id, with its per-sample shape (the Input node's output is the normalised input).
 * - `evaluate()`: loss, accuracy and confusion[true][predicted] on the validation split.
 * Everything here is structured-clone safe (typed arrays, plain objects).
 */
import type { EventOf, parseEvent } from '../../engine/worker/protocol';
import type { DataChoice, DataFormat, DataPreview, RunRecord, StartRequest } from '../../preload/training-contract';

export type { Curves, DataChoice, DataFormat, DataPreview, EpochPoint, RunHyper, RunRecord, RunStatus, StartRequest } from '../../preload/training-contract';

/** An event exactly as the worker's protocol defines it, already checked (zod) on receipt. */
export type WorkerEventParsed = ReturnType<typeof parseEvent>;

/** The worker process (or Web Worker) ended; made by the platform, never sent by a worker. */
export interface ExitEvent {
  type: 'exit';
  /** Whether the app asked for it (`close()`); false: it crashed or was killed. */
  expected: boolean;
  message: string;
}

export type TrainingEvent = WorkerEventParsed | ExitEvent;

/** `samples`: each validation sample's true and predicted class, numbered as `infer(n)` numbers them (classifiers). */
export type Evaluation = Pick<EventOf<'evaluation'>, 'loss' | 'accuracy' | 'count' | 'confusion' | 'samples'>;
export interface LayerOutput {
  /** Per-sample shape: [C, H, W] or [F]. */
  shape: number[];
  data: Float32Array;
}
export type LayerOutputs = Record<string, LayerOutput>;
/** Tensors by `<nodeId>.<name>`, PyTorch layouts (see docs/formats.md). */
export type WeightTensors = Record<string, Float32Array>;
/** Grad-CAM on the last Conv2D and input-gradient saliency for one validation sample (engine/train/saliency.ts). */
export type SaliencyAnswer = Omit<EventOf<'saliency'>, 'v' | 'type' | 'requestId'>;

export interface RunHandle {
  readonly runId: string;
  onEvent(listener: (e: TrainingEvent) => void): () => void;
  pause(): void;
  resume(): void;
  /** Stop after the current step; `checkpoint` (default true) writes one first, so it can resume. */
  stop(opts?: { checkpoint?: boolean }): void;
  /** Write a checkpoint after the current step. */
  checkpoint(): void;
  evaluate(): Promise<Evaluation>;
  infer(sample: Float32Array | number): Promise<LayerOutputs>;
  getWeights(): Promise<WeightTensors>;
  /** Why the network answers what it does for validation sample `sample` (the predicted class unless `classIndex`). */
  saliency(sample: number, classIndex?: number): Promise<SaliencyAnswer>;
  /** End the worker (the handle answers nothing afterwards). */
  close(): void;
  readonly alive: boolean;
}

export interface TrainingPlatform {
  /** Whether data the operating system installed (Fashion-MNIST under /usr/share/datasets) can be found: desktop yes, browser no. */
  readonly systemData: boolean;
  /** Dialog (desktop) or file input (browser); null when cancelled. */
  chooseData(format: DataFormat | null): Promise<DataChoice | null>;
  /** Open the data far enough to describe it; `inputShape` is the graph Input's (built-ins draw to it). */
  describeData(choice: DataChoice, inputShape: readonly number[] | null): Promise<DataPreview>;
  start(req: StartRequest): Promise<RunHandle>;
  listRuns(): Promise<RunRecord[]>;
  saveRun(record: RunRecord): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** Whether a checkpoint for the run is kept (so it can resume). */
  hasCheckpoint(id: string): Promise<boolean>;
  /** A weights file chosen by the user: JSON as text, binary weights as bytes; null when cancelled. */
  openWeights(): Promise<{ name: string; content: string | Uint8Array } | null>;
}
