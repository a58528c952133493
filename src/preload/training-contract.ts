/**
 * The training half of the IPC contract (types and channel names only; runs everywhere). Main
 * owns the worker processes (Electron utilityProcess), the data dialogs and the stored runs;
 * the renderer starts runs and sends commands by run id, and hears every worker event relayed
 * on one event channel. Main validates each payload (src/main/training-schemas.ts).
 */
import type { DatasetPreview } from '../engine/data/preview';
import type { BuiltinRef } from '../engine/data/ref';
import type { Graph } from '../engine/graph/types';
import type { EventOf, HyperparametersInput } from '../engine/worker/protocol';

export const TrainingChannels = {
  chooseData: 'training:choose-data',
  describeData: 'training:describe-data',
  start: 'training:start',
  command: 'training:command',
  close: 'training:close',
  listRuns: 'training:list-runs',
  saveRun: 'training:save-run',
  deleteRun: 'training:delete-run',
  hasCheckpoint: 'training:has-checkpoint',
  openWeights: 'training:open-weights',
} as const;

export const TrainingEvents = {
  /** `TrainingMessage`: a worker event (unchecked: the renderer parses it) or the worker's exit. */
  message: 'training:message',
} as const;

/** File formats the data readers understand. */
export type DataFormat = 'idx' | 'cifar10' | 'image-folder';

/**
 * The data a run trains on, as chosen in the panel. JSON-safe: it is stored with each run.
 * `builtin`: generated on the fly. `files`: picked through a dialog (desktop: `token` is the
 * folder path main granted) or a file input (browser: bytes kept in the page under `token`).
 */
export type DataChoice =
  | { kind: 'builtin'; ref: BuiltinRef }
  | { kind: 'files'; format: DataFormat | null; label: string; token: string };

/** What the panel shows before training: counts, shape, classes, a strip of samples. */
export type DataPreview = DatasetPreview;

/** Hyperparameters as the renderer sends them: where checkpoints go is the platform's choice. */
export type RunHyper = Omit<HyperparametersInput, 'checkpointPath'>;

export interface StartRequest {
  /** Chosen by the caller: names the run's record and its checkpoint. */
  runId: string;
  graph: Graph;
  data: DataChoice;
  hyper: RunHyper;
  /** Initial weights by `<nodeId>.<name>` (an imported weights file); absent: from the seed. */
  weights?: Record<string, Float32Array>;
  /** Continue from the run's last checkpoint instead of starting fresh. */
  resume?: boolean;
  /** A forward-only run for previews (the protocol's `start.preview`): no output layer needed, no training; it answers `infer` and `saliency`. */
  preview?: boolean;
}

/** Loss and accuracy of one epoch (accuracy null for regression; val* null without validation). */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
  samplesPerSec: number;
}

/** Curves as columns (what uPlot draws): one entry per step event, one per epoch. */
export interface Curves {
  step: {
    globalStep: number[];
    /** Position in epochs (epoch − 1 + step / stepsPerEpoch): steps and epochs share an x axis. */
    at: number[];
    loss: number[];
    accuracy: (number | null)[];
  };
  epoch: EpochPoint[];
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'stopped' | 'completed' | 'failed' | 'interrupted';

/** A run as kept between sessions: settings, curves, final metrics, where it can resume from. */
export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** The project it was trained from (its title or file name). */
  project: string;
  graph: Graph;
  data: DataChoice;
  hyper: RunHyper;
  status: RunStatus;
  /** The gpu.js mode that ran (from the worker's ready event). */
  backend: string | null;
  dataset: EventOf<'ready'>['dataset'] | null;
  curves: Curves;
  /** The last finished epoch's metrics. */
  final: Omit<EpochPoint, 'seconds' | 'samplesPerSec'> | null;
  error: string | null;
  /** The last checkpoint the run wrote (1-based epoch, steps done in it), when one is kept. */
  checkpoint: { epoch: number; step: number; globalStep: number } | null;
}

/** What main relays from a run's worker. */
export type TrainingMessage = { runId: string; event: unknown } | { runId: string; exit: { expected: boolean; message: string } };

/** Commands the renderer may send to a running worker (start goes through `start`). */
export type RunCommand =
  | { type: 'pause' | 'resume' | 'checkpoint' }
  | { type: 'stop'; checkpoint: boolean }
  | { type: 'evaluate' | 'getWeights'; requestId: number }
  | { type: 'infer'; requestId: number; x?: Float32Array; sample?: number };

/** `window.convas.training`: one function per training channel. */
export interface TrainingBridge {
  chooseData(format: DataFormat | null): Promise<DataChoice | null>;
  describeData(choice: DataChoice, inputShape: number[] | null): Promise<DataPreview>;
  start(req: StartRequest): Promise<void>;
  command(runId: string, cmd: RunCommand): Promise<void>;
  close(runId: string): Promise<void>;
  listRuns(): Promise<RunRecord[]>;
  saveRun(record: RunRecord): Promise<void>;
  deleteRun(id: string): Promise<void>;
  hasCheckpoint(id: string): Promise<boolean>;
  /** JSON weights as text, binary weights (.safetensors) as bytes. */
  openWeights(): Promise<{ name: string; content: string | Uint8Array } | null>;
  onMessage(listener: (m: TrainingMessage) => void): () => void;
}
