/**
 * The live run and how one worker event changes it: `applyEvent(live, curves, event)` is the
 * store's reducer, pure but for the curves, whose columns it appends to in place (O(1) per
 * event: a kernel fit sends hundreds a second). It says what the store must do next: publish
 * now (the run turned: ready, paused, finished, failed) or with the next frame (steps, epochs),
 * write the run's record now or soon, and whether the weights are worth fetching again.
 */
import type { Graph } from '../../engine/graph/types';
import type { EventOf } from '../../engine/worker/protocol';
import type { Curves, DataChoice, EpochPoint, RunHyper, RunRecord, RunStatus, TrainingEvent, WeightTensors } from '../platform/training';

export type ReadyDataset = EventOf<'ready'>['dataset'];

export interface Progress {
  /** 1-based epoch in progress, steps done in it. */
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  /** Smoothed training throughput. */
  samplesPerSec: number;
  /** Seconds left at the current speed (validation passes not counted); null until known. */
  etaSeconds: number | null;
}

export interface RunError {
  message: string;
  phase: string;
  /** The layer at fault, when the worker could tell (divergence, graph errors). */
  node: string | null;
  /** Where the last good checkpoint is, when there is one. */
  saved: { epoch: number | null; step: number | null } | null;
}

export interface LiveRun {
  id: string;
  name: string;
  status: RunStatus;
  graph: Graph;
  data: DataChoice;
  hyper: RunHyper;
  /** The gpu.js mode that actually runs, and what was asked for. */
  backend: string | null;
  requestedBackend: string | null;
  adapter: string | null;
  dataset: ReadyDataset | null;
  epochs: number;
  progress: Progress;
  /** What the worker is doing before the first step (preparing data, compiling kernels); null once steps come. */
  phase: string | null;
  error: RunError | null;
  final: RunRecord['final'];
  checkpoint: RunRecord['checkpoint'];
  /** Weights from the `finished` event (also kept after the worker ends). */
  finalWeights: WeightTensors | null;
  startedAt: number;
}

export const zeroProgress = (): Progress => ({ epoch: 0, step: 0, stepsPerEpoch: 0, globalStep: 0, samplesPerSec: 0, etaSeconds: null });

/** What the store does after an event. */
export interface Outcome {
  live: LiveRun;
  /** `now`: the run turned, show it at once; `frame`: with the next paced publish; `none`: nothing changed. */
  publish: 'now' | 'frame' | 'none';
  /** Write the run's record: `now` (the run turned), `soon` (throttled), or not. */
  save: 'now' | 'soon' | 'none';
  /** The curves grew. */
  curves: boolean;
  /** The weights changed enough to be looked at again (epoch end, pause, finish). */
  weights: boolean;
}

const ENDED: readonly RunStatus[] = ['completed', 'stopped', 'failed'];

export function applyEvent(live: LiveRun, curves: Curves, e: TrainingEvent): Outcome {
  const out = (next: Partial<LiveRun> | null, o: Partial<Omit<Outcome, 'live'>> = {}): Outcome => ({
    live: next ? { ...live, ...next } : live,
    publish: next ? 'now' : 'none',
    save: 'none',
    curves: false,
    weights: false,
    ...o,
  });
  switch (e.type) {
    case 'ready': {
      const from = e.resumedFrom;
      const progress = { ...zeroProgress(), stepsPerEpoch: e.dataset.stepsPerEpoch, epoch: from ? from.epoch : 1, step: from ? from.step : 0, globalStep: live.checkpoint?.globalStep ?? 0 };
      return out({ status: 'running', backend: e.backend, requestedBackend: e.requested, adapter: e.adapter, dataset: e.dataset, epochs: e.epochs, error: null, progress }, { save: 'now' });
    }
    case 'phase':
      return out({ phase: e.phase });
    case 'step': {
      curves.step.globalStep.push(e.globalStep);
      curves.step.at.push(e.epoch - 1 + e.step / e.stepsPerEpoch);
      curves.step.loss.push(e.loss);
      curves.step.accuracy.push(e.accuracy);
      const prev = live.progress;
      // smooth the throughput: single steps jitter with the machine's other work
      const sps = prev.samplesPerSec > 0 ? prev.samplesPerSec * 0.8 + e.samplesPerSec * 0.2 : e.samplesPerSec;
      const stepsLeft = (live.epochs - e.epoch) * e.stepsPerEpoch + (e.stepsPerEpoch - e.step);
      const progress: Progress = {
        epoch: e.epoch,
        step: e.step,
        stepsPerEpoch: e.stepsPerEpoch,
        globalStep: e.globalStep,
        samplesPerSec: sps,
        etaSeconds: sps > 0 ? (stepsLeft * live.hyper.batchSize) / sps : null,
      };
      return out({ progress, phase: null }, { publish: 'frame', curves: true });
    }
    case 'epoch': {
      const point: EpochPoint = { epoch: e.epoch, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy, seconds: e.seconds, samplesPerSec: e.samplesPerSec };
      // an epoch reported again replaces its point (epochs only grow)
      while (curves.epoch.length > 0 && curves.epoch[curves.epoch.length - 1].epoch >= e.epoch) curves.epoch.pop();
      curves.epoch.push(point);
      const { seconds: _s, samplesPerSec: _r, ...final } = point;
      return out({ final }, { publish: 'frame', save: 'soon', curves: true, weights: true });
    }
    case 'checkpoint':
      return out({ checkpoint: { epoch: e.epoch, step: e.step, globalStep: e.globalStep } }, { save: 'soon' });
    case 'paused':
      return out({ status: 'paused' }, { save: 'now', weights: true });
    case 'resumed':
      return out({ status: 'running' });
    case 'finished': {
      const m = e.metrics;
      const final = m ? { epoch: m.epoch, trainLoss: m.trainLoss, trainAccuracy: m.trainAccuracy, valLoss: m.valLoss, valAccuracy: m.valAccuracy } : live.final;
      return out({ status: e.reason === 'stopped' ? 'stopped' : 'completed', finalWeights: e.weights, final, phase: null }, { save: 'now', weights: true });
    }
    case 'error': {
      // a failed request is its caller's business; a refused command leaves the run going
      if (e.requestId !== null) return out(null);
      const error = { message: e.message, phase: e.where.phase, node: e.where.node, saved: null };
      if (e.where.phase === 'command' && (live.status === 'running' || live.status === 'paused')) return out({ error });
      const saved = e.saved.epoch !== null ? { epoch: e.saved.epoch, step: e.saved.step } : null;
      return out({ status: 'failed', error: { ...error, saved }, phase: null }, { save: 'now' });
    }
    case 'exit': {
      const error = { message: e.message, phase: 'worker', node: null, saved: null };
      // the worker ended after the run did: requests can no longer be answered
      if (ENDED.includes(live.status)) return out(e.expected ? null : { error });
      if (e.expected) return out(null);
      const saved = live.checkpoint ? { epoch: live.checkpoint.epoch, step: live.checkpoint.step } : null;
      return out({ status: 'failed', error: { ...error, saved }, phase: null }, { save: 'now' });
    }
    default:
      return out(null);
  }
}
