/**
 * The training run store: the live run (status, progress, the backend that really runs, the
 * dataset it opened, errors), its curves, and the runs kept from earlier sessions.
 *
 * For consumers (the panel, the curves, the visuals):
 * - `useTraining((s) => s.live)`: the live run or null. `live.dataset` has `classes`,
 *   `inputShape`, `trainCount`, `valCount` once the worker is ready; `live.graph` is the graph
 *   being trained (node ids for per-layer outputs). `live.status`: starting → running ⇄ paused
 *   → completed | stopped | failed | interrupted.
 * - `useTraining((s) => s.weightsVersion)`: bumps whenever the run's weights are worth looking
 *   at again (epoch ends — at most once per frame —, pause, finish) — refetch kernels /
 *   predictions then.
 * - `requests`: `evaluate()`, `infer(sample)`, `getWeights()` answered by the live run's worker,
 *   which stays up after the run finishes (until the next run starts); they reject with
 *   `NoRunError` when no worker is up.
 * - `curvesOf(runId)`: the curves (columns) of the live run or a stored one; `curvesVersion`
 *   bumps at most every PUBLISH_EVERY_MS (on an animation frame) while steps stream in.
 *
 * Step and epoch events are many (a kernel fit ends an epoch every step, hundreds a second):
 * they are appended to plain arrays as they arrive (O(1) each) and the store publishes progress,
 * final metrics and the versions on an animation frame at most every PUBLISH_EVERY_MS (and at
 * least once a second when the page is hidden), so React and uPlot redraw a few times a second,
 * not at event rate — a redraw of the dashboard (layout, charts, compositing) costs a software-
 * rendered page tens of milliseconds, and one per frame kept it busy all the time. The run record
 * (settings, thinned curves) is written at most every SAVE_EVERY_MS while the run goes, and at
 * once when it starts, pauses, stops, finishes or fails, so its final state is always kept.
 */
import { create } from 'zustand';
import type { Graph } from '../../engine/graph/types';
import type { Curves, DataChoice, EpochPoint, Evaluation, LayerOutputs, RunHandle, RunHyper, RunRecord, RunStatus, TrainingEvent, WeightTensors } from '../platform/training';
import type { EventOf } from '../../engine/worker/protocol';
import { trainingPlatform } from './connect';
import { downsampleCurves, emptyCurves, truncateCurves } from './curves-data';

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
  error: RunError | null;
  final: RunRecord['final'];
  checkpoint: RunRecord['checkpoint'];
  /** Weights from the `finished` event (also kept after the worker ends). */
  finalWeights: WeightTensors | null;
  startedAt: number;
}

export interface StartOptions {
  graph: Graph;
  data: DataChoice;
  hyper: RunHyper;
  /** The project's name, for the run's name. */
  project: string;
  /** A human label for the data ("Shapes", "MNIST (…)"). */
  dataLabel: string;
  weights?: WeightTensors;
}

export interface TrainingState {
  live: LiveRun | null;
  /** Stored runs, newest first (the live one included, kept in step). */
  runs: RunRecord[];
  /** Runs whose curves are drawn together with the live one's. */
  overlay: string[];
  curvesVersion: number;
  weightsVersion: number;
  loaded: boolean;

  loadRuns(): Promise<void>;
  start(o: StartOptions): Promise<void>;
  /** Continue a stored run (stopped, interrupted, failed) from its checkpoint. */
  resumeRun(id: string): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
  toggleOverlay(id: string): void;
}

export class NoRunError extends Error {
  constructor() {
    super('no training worker is running: train the network first');
    this.name = 'NoRunError';
  }
}

// ---- module state: what must not be copied on every event ------------------------------------

let handle: RunHandle | null = null;
let unsubscribe: (() => void) | null = null;
const liveCurves = new Map<string, Curves>();
let pending = false;
let frame: number | null = null;
/** Waiting out PUBLISH_EVERY_MS before asking for a frame. */
let pace: ReturnType<typeof setTimeout> | null = null;
let fallback: ReturnType<typeof setTimeout> | null = null;
let lastPublish = -Infinity;

/** Shortest time between two publishes while events stream in (ten redraws a second). */
export const PUBLISH_EVERY_MS = 100;
/** Progress fields changed since the last publish. */
let progressDraft: Progress | null = null;
/** Metrics of the last epoch ended since the last publish (undefined: none). */
let finalDraft: RunRecord['final'] | undefined;
/** An epoch ended since the last publish: the weights are worth looking at again. */
let weightsMoved = false;

/** Longest a running run's record waits to be written (a one-step-epoch run would write hundreds a second). */
export const SAVE_EVERY_MS = 3000;

export function curvesOf(runId: string): Curves | null {
  return liveCurves.get(runId) ?? useTraining.getState().runs.find((r) => r.id === runId)?.curves ?? null;
}

const zeroProgress = (): Progress => ({ epoch: 0, step: 0, stepsPerEpoch: 0, globalStep: 0, samplesPerSec: 0, etaSeconds: null });

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** The record kept for a live run, from the live state and its curves. */
function recordOf(live: LiveRun, createdAt: number, project: string): RunRecord {
  return {
    id: live.id,
    name: live.name,
    createdAt,
    updatedAt: Date.now(),
    project,
    graph: live.graph,
    data: live.data,
    hyper: live.hyper,
    status: live.status,
    backend: live.backend,
    dataset: live.dataset,
    curves: downsampleCurves(liveCurves.get(live.id) ?? emptyCurves()),
    final: live.final,
    error: live.error?.message ?? null,
    checkpoint: live.checkpoint,
  };
}

export const useTraining = create<TrainingState>()((set, get) => {
  /** Creation time and project of the live run's record (not part of the live state). */
  let liveMeta = { createdAt: 0, project: '' };

  const publish = () => {
    frame = null;
    if (pace) clearTimeout(pace);
    pace = null;
    if (fallback) clearTimeout(fallback);
    fallback = null;
    if (!pending) return;
    pending = false;
    lastPublish = Date.now();
    const live = get().live;
    const patch: Partial<LiveRun> = {
      ...(progressDraft ? { progress: progressDraft } : {}),
      ...(finalDraft !== undefined ? { final: finalDraft } : {}),
    };
    set({
      curvesVersion: get().curvesVersion + 1,
      ...(weightsMoved ? { weightsVersion: get().weightsVersion + 1 } : {}),
      ...(live && (progressDraft || finalDraft !== undefined) ? { live: { ...live, ...patch } } : {}),
    });
    progressDraft = null;
    finalDraft = undefined;
    weightsMoved = false;
  };

  /**
   * Publish on an animation frame, PUBLISH_EVERY_MS after the last publish at the earliest; a
   * hidden page gets no frames, so a timer backs it up.
   */
  const schedule = () => {
    pending = true;
    fallback ??= setTimeout(publish, 1000);
    if (frame !== null || pace !== null) return;
    const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
    if (!raf) return;
    const wait = lastPublish + PUBLISH_EVERY_MS - Date.now();
    if (wait <= 0) frame = raf(publish);
    else
      pace = setTimeout(() => {
        pace = null;
        if (pending && frame === null) frame = raf(publish);
      }, wait);
  };

  const patchLive = (patch: Partial<LiveRun>) => {
    const live = get().live;
    if (!live) return;
    // take pending drafts in first, so this update is not overwritten by an older draft
    const progress = progressDraft ?? live.progress;
    const final = finalDraft !== undefined ? finalDraft : live.final;
    progressDraft = null;
    finalDraft = undefined;
    set({ live: { ...live, progress, final, ...patch } });
  };

  // ---- keeping the run record: throttled while running, at once at every turn of the run ----

  let lastSave = -Infinity;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Records waiting for the write in flight (a newer one replaces an older one of the same run). */
  const unwritten = new Map<string, RunRecord>();
  let writing: Promise<void> | null = null;

  /** Write records one at a time, in order: an older record never lands after a newer one. */
  const write = (record: RunRecord): Promise<void> => {
    unwritten.set(record.id, record);
    writing ??= (async () => {
      while (unwritten.size > 0) {
        const [id, next] = unwritten.entries().next().value!;
        unwritten.delete(id);
        try {
          await trainingPlatform().saveRun(next);
        } catch {
          // keeping runs is a convenience: the live run goes on, and the next save may succeed
        }
      }
      writing = null;
    })();
    return writing;
  };

  /**
   * Keep the live run's record: `now` at start, pause, finish, failure, rename; `soon` while
   * it runs (epochs, checkpoints): at most once per SAVE_EVERY_MS, with the state of that moment.
   */
  const persist = (when: 'now' | 'soon' = 'now'): Promise<void> => {
    const live = get().live;
    if (!live) return Promise.resolve();
    if (when === 'soon') {
      const wait = lastSave + SAVE_EVERY_MS - Date.now();
      if (wait > 0) {
        saveTimer ??= setTimeout(() => {
          saveTimer = null;
          if (get().live?.id === live.id) void persist('now');
        }, wait);
        return Promise.resolve();
      }
    }
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    lastSave = Date.now();
    // the record holds what the page shows and what is still waiting for the next frame
    const drafted: LiveRun = { ...live, ...(progressDraft ? { progress: progressDraft } : {}), ...(finalDraft !== undefined ? { final: finalDraft } : {}) };
    const record = recordOf(drafted, liveMeta.createdAt, liveMeta.project);
    set({ runs: [record, ...get().runs.filter((r) => r.id !== record.id)].sort((a, b) => b.createdAt - a.createdAt) });
    return write(record);
  };

  const onEvent = (runId: string, e: TrainingEvent) => {
    const live = get().live;
    if (!live || live.id !== runId) return;
    const curves = liveCurves.get(runId)!;
    switch (e.type) {
      case 'ready': {
        const stepsPerEpoch = e.dataset.stepsPerEpoch;
        const from = e.resumedFrom;
        patchLive({
          status: 'running',
          backend: e.backend,
          requestedBackend: e.requested,
          adapter: e.adapter,
          dataset: e.dataset,
          epochs: e.epochs,
          error: null,
          progress: { ...zeroProgress(), stepsPerEpoch, epoch: from ? from.epoch : 1, step: from ? from.step : 0, globalStep: live.checkpoint?.globalStep ?? 0 },
        });
        void persist();
        return;
      }
      case 'step': {
        curves.step.globalStep.push(e.globalStep);
        curves.step.at.push(e.epoch - 1 + e.step / e.stepsPerEpoch);
        curves.step.loss.push(e.loss);
        curves.step.accuracy.push(e.accuracy);
        const prev = progressDraft ?? live.progress;
        // smooth the throughput: single steps jitter with the machine's other work
        const sps = prev.samplesPerSec > 0 ? prev.samplesPerSec * 0.8 + e.samplesPerSec * 0.2 : e.samplesPerSec;
        const stepsLeft = (live.epochs - e.epoch) * e.stepsPerEpoch + (e.stepsPerEpoch - e.step);
        const batch = live.hyper.batchSize;
        progressDraft = {
          epoch: e.epoch,
          step: e.step,
          stepsPerEpoch: e.stepsPerEpoch,
          globalStep: e.globalStep,
          samplesPerSec: sps,
          etaSeconds: sps > 0 ? (stepsLeft * batch) / sps : null,
        };
        schedule();
        return;
      }
      case 'epoch': {
        const point: EpochPoint = {
          epoch: e.epoch,
          trainLoss: e.trainLoss,
          trainAccuracy: e.trainAccuracy,
          valLoss: e.valLoss,
          valAccuracy: e.valAccuracy,
          seconds: e.seconds,
          samplesPerSec: e.samplesPerSec,
        };
        // appended in place (O(1)); an epoch reported again replaces its point (epochs only grow)
        while (curves.epoch.length > 0 && curves.epoch[curves.epoch.length - 1].epoch >= e.epoch) curves.epoch.pop();
        curves.epoch.push(point);
        const { seconds: _s, samplesPerSec: _r, ...final } = point;
        finalDraft = final;
        weightsMoved = true;
        schedule();
        void persist('soon');
        return;
      }
      case 'checkpoint':
        patchLive({ checkpoint: { epoch: e.epoch, step: e.step, globalStep: e.globalStep } });
        void persist('soon');
        return;
      case 'paused':
        publish();
        patchLive({ status: 'paused' });
        set({ weightsVersion: get().weightsVersion + 1 });
        void persist();
        return;
      case 'resumed':
        patchLive({ status: 'running' });
        return;
      case 'finished': {
        const status: RunStatus = e.reason === 'stopped' ? 'stopped' : 'completed';
        const m = e.metrics;
        // the last frame's worth of progress and metrics first, then the end on top of it
        publish();
        patchLive({
          status,
          finalWeights: e.weights,
          final: m ? { epoch: m.epoch, trainLoss: m.trainLoss, trainAccuracy: m.trainAccuracy, valLoss: m.valLoss, valAccuracy: m.valAccuracy } : get().live!.final,
        });
        set({ weightsVersion: get().weightsVersion + 1 });
        void persist();
        return;
      }
      case 'error': {
        // a failed request is its caller's business; a run-level error ends the run
        if (e.requestId !== null) return;
        if (e.where.phase === 'command' && (live.status === 'running' || live.status === 'paused')) {
          patchLive({ error: { message: e.message, phase: e.where.phase, node: e.where.node, saved: null } });
          return;
        }
        publish();
        patchLive({
          status: 'failed',
          error: { message: e.message, phase: e.where.phase, node: e.where.node, saved: e.saved.epoch !== null ? { epoch: e.saved.epoch, step: e.saved.step } : null },
        });
        void persist();
        return;
      }
      case 'exit': {
        if (live.status === 'completed' || live.status === 'stopped' || live.status === 'failed') {
          // the worker ended after the run did: requests can no longer be answered
          if (!e.expected) patchLive({ error: { message: e.message, phase: 'worker', node: null, saved: null } });
          return;
        }
        if (e.expected) return;
        publish();
        patchLive({ status: 'failed', error: { message: e.message, phase: 'worker', node: null, saved: live.checkpoint ? { epoch: live.checkpoint.epoch, step: live.checkpoint.step } : null } });
        void persist();
        return;
      }
      default:
        return;
    }
  };

  const launch = async (live: LiveRun, meta: typeof liveMeta, req: { weights?: WeightTensors; resume?: boolean }) => {
    if (handle) {
      unsubscribe?.();
      handle.close();
      handle = null;
    }
    // the previous run's last state is written before it stops being the live one
    publish();
    if (saveTimer) void persist('now');
    progressDraft = null;
    finalDraft = undefined;
    weightsMoved = false;
    liveMeta = meta;
    set({ live });
    await persist();
    try {
      const h = await trainingPlatform().start({ runId: live.id, graph: live.graph, data: live.data, hyper: live.hyper, weights: req.weights, resume: req.resume });
      handle = h;
      unsubscribe = h.onEvent((e) => onEvent(live.id, e));
    } catch (e) {
      patchLive({ status: 'failed', error: { message: e instanceof Error ? e.message : String(e), phase: 'start', node: null, saved: null } });
      await persist();
    }
  };

  return {
    live: null,
    runs: [],
    overlay: [],
    curvesVersion: 0,
    weightsVersion: 0,
    loaded: false,

    async loadRuns() {
      let runs: RunRecord[] = [];
      try {
        runs = await trainingPlatform().listRuns();
      } catch {
        runs = [];
      }
      const liveId = get().live?.id;
      // a run that was going when the app last closed is no longer going
      const stale = runs.filter((r) => r.id !== liveId && (r.status === 'running' || r.status === 'paused' || r.status === 'starting'));
      for (const r of stale) {
        r.status = 'interrupted';
        void trainingPlatform().saveRun(r).catch(() => undefined);
      }
      set({ runs: runs.sort((a, b) => b.createdAt - a.createdAt), loaded: true });
    },

    async start(o) {
      const id = newRunId();
      const n = get().runs.length + 1;
      liveCurves.set(id, emptyCurves());
      const live: LiveRun = {
        id,
        name: `#${n} ${o.project} · ${o.dataLabel}`,
        status: 'starting',
        graph: o.graph,
        data: o.data,
        hyper: o.hyper,
        backend: null,
        requestedBackend: o.hyper.backend ?? 'auto',
        adapter: null,
        dataset: null,
        epochs: o.hyper.epochs,
        progress: zeroProgress(),
        error: null,
        final: null,
        checkpoint: null,
        finalWeights: null,
        startedAt: Date.now(),
      };
      await launch(live, { createdAt: Date.now(), project: o.project }, { weights: o.weights });
    },

    async resumeRun(id) {
      const r = get().runs.find((x) => x.id === id);
      if (!r) throw new Error(`no stored run ${id}`);
      if (!r.checkpoint || !(await trainingPlatform().hasCheckpoint(id))) {
        throw new Error(`${r.name} has no checkpoint to resume from: train it again`);
      }
      // the run picks up at its checkpoint: curves after it would be drawn twice
      liveCurves.set(id, truncateCurves(r.curves, r.checkpoint.globalStep));
      const live: LiveRun = {
        id,
        name: r.name,
        status: 'starting',
        graph: r.graph,
        data: r.data,
        hyper: r.hyper,
        backend: null,
        requestedBackend: r.hyper.backend ?? 'auto',
        adapter: null,
        dataset: r.dataset,
        epochs: r.hyper.epochs,
        progress: { ...zeroProgress(), epoch: r.checkpoint.epoch, step: r.checkpoint.step, globalStep: r.checkpoint.globalStep },
        error: null,
        final: r.final,
        checkpoint: r.checkpoint,
        finalWeights: null,
        startedAt: Date.now(),
      };
      await launch(live, { createdAt: r.createdAt, project: r.project }, { resume: true });
    },

    pause() {
      if (get().live?.status === 'running') handle?.pause();
    },

    resume() {
      if (get().live?.status === 'paused') handle?.resume();
    },

    stop() {
      const s = get().live?.status;
      if (s === 'running' || s === 'paused' || s === 'starting') handle?.stop({ checkpoint: true });
    },

    async rename(id, name) {
      const clean = name.trim();
      if (!clean) return;
      const live = get().live;
      if (live?.id === id) {
        patchLive({ name: clean });
        await persist();
        return;
      }
      const r = get().runs.find((x) => x.id === id);
      if (!r) return;
      const next = { ...r, name: clean, updatedAt: Date.now() };
      set({ runs: get().runs.map((x) => (x.id === id ? next : x)) });
      await writing; // after any write of this run already on its way
      await trainingPlatform().saveRun(next);
    },

    async remove(id) {
      const live = get().live;
      if (live?.id === id && (live.status === 'running' || live.status === 'paused' || live.status === 'starting')) {
        throw new Error('stop the run before deleting it');
      }
      if (live?.id === id) {
        unsubscribe?.();
        handle?.close();
        handle = null;
        if (saveTimer) clearTimeout(saveTimer);
        saveTimer = null;
        set({ live: null });
      }
      liveCurves.delete(id);
      set({ runs: get().runs.filter((r) => r.id !== id), overlay: get().overlay.filter((x) => x !== id) });
      // a write still on its way must not bring the record back after the delete
      unwritten.delete(id);
      await writing;
      await trainingPlatform().deleteRun(id);
    },

    toggleOverlay(id) {
      const o = get().overlay;
      set({ overlay: o.includes(id) ? o.filter((x) => x !== id) : [...o, id], curvesVersion: get().curvesVersion + 1 });
    },
  };
});

/** A live run's status that holds the worker busy (the canvas is locked then). */
export const isActive = (s: RunStatus | undefined): boolean => s === 'starting' || s === 'running' || s === 'paused';

function requireHandle(): RunHandle {
  if (!handle || !handle.alive) throw new NoRunError();
  return handle;
}

/** Questions to the live run's worker (see the header). */
export const requests = {
  evaluate: async (): Promise<Evaluation> => requireHandle().evaluate(),
  infer: async (sample: Float32Array | number): Promise<LayerOutputs> => requireHandle().infer(sample),
  /** The current weights: from the worker when it is up, else the finished run's. */
  getWeights: async (): Promise<WeightTensors> => {
    if (handle?.alive) return handle.getWeights();
    const w = useTraining.getState().live?.finalWeights;
    if (w) return w;
    throw new NoRunError();
  },
  /** Whether a worker is up to answer. */
  available: (): boolean => handle !== null && handle.alive,
};
