/**
 * The training run store: the live run (status, progress, the backend that really runs, the
 * dataset it opened, errors), its curves, and the runs kept from earlier sessions — state and
 * actions only. How an event changes the run is `applyEvent` (run-events.ts), when the page
 * sees it is the pacer (pacing.ts), how runs are kept is run-records.ts.
 *
 * For consumers (the panel, the curves, the visuals):
 * - `useTraining((s) => s.live)`: the live run or null. `live.dataset` has `classes`,
 *   `inputShape`, `trainCount`, `valCount` once the worker is ready; `live.graph` is the graph
 *   being trained (node ids for per-layer outputs); `live.phase` what the worker does before the
 *   first step. `live.status`: starting → running ⇄ paused → completed | stopped | failed | interrupted.
 * - `useTraining((s) => s.weightsVersion)`: bumps whenever the run's weights are worth looking
 *   at again (epoch ends — at most once per frame —, pause, finish) — refetch kernels /
 *   predictions then.
 * - `requests`: `evaluate()`, `infer(sample)`, `getWeights()` answered by the live run's worker,
 *   which stays up after the run finishes (until the next run starts); they reject with
 *   `NoRunError` when no worker is up.
 * - `curvesOf(runId)`: the curves (columns) of the live run or a stored one; `curvesVersion`
 *   bumps at most every PUBLISH_EVERY_MS (on an animation frame) while steps stream in.
 *
 * Step and epoch events are many (a kernel fit ends an epoch every step, hundreds a second): the
 * store folds them into `latest` (not published) and the curves' plain arrays as they arrive, and
 * publishes on a paced animation frame, so React and uPlot redraw a few times a second, not at
 * event rate. The run record is written at most every SAVE_EVERY_MS while the run goes, and at
 * once when it starts, pauses, stops, finishes or fails, so its final state is always kept.
 */
import { create } from 'zustand';
import type { Graph } from '../../engine/graph/types';
import type { Curves, DataChoice, Evaluation, LayerOutputs, RunHandle, RunHyper, RunRecord, RunStatus, TrainingEvent, WeightTensors } from '../platform/training';
import { trainingPlatform } from './connect';
import { emptyCurves, truncateCurves } from './curves-data';
import { createPacer } from './pacing';
import { applyEvent, zeroProgress, type LiveRun } from './run-events';
import { createRecordKeeper, interruptStale, recordOf } from './run-records';

export type { LiveRun, Progress, ReadyDataset, RunError } from './run-events';

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

/** Shortest time between two publishes while events stream in (ten redraws a second). */
export const PUBLISH_EVERY_MS = 100;
/** Longest a running run's record waits to be written (a one-step-epoch run would write hundreds a second). */
export const SAVE_EVERY_MS = 3000;

// ---- what must not be copied on every event ---------------------------------------------------

let handle: RunHandle | null = null;
let unsubscribe: (() => void) | null = null;
const liveCurves = new Map<string, Curves>();
/** The live run with every event folded in; the store's `live` catches up at each publish. */
let latest: LiveRun | null = null;
/** Since the last publish: the curves grew, the weights moved. */
const moved = { curves: false, weights: false };
/** Creation time and project of the live run's record (not part of the live state). */
let liveMeta = { createdAt: 0, project: '' };

export function curvesOf(runId: string): Curves | null {
  return liveCurves.get(runId) ?? useTraining.getState().runs.find((r) => r.id === runId)?.curves ?? null;
}

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

function newLiveRun(o: Pick<LiveRun, 'id' | 'name' | 'graph' | 'data' | 'hyper'> & Partial<LiveRun>): LiveRun {
  return {
    status: 'starting',
    backend: null,
    requestedBackend: o.hyper.backend ?? 'auto',
    adapter: null,
    dataset: null,
    epochs: o.hyper.epochs,
    progress: zeroProgress(),
    phase: null,
    error: null,
    final: null,
    checkpoint: null,
    finalWeights: null,
    startedAt: Date.now(),
    ...o,
  };
}

export const useTraining = create<TrainingState>()((set, get) => {
  /** The run as the page should see it now, with the frame's curves and weights news. */
  const publish = () => {
    const live = get().live;
    set({
      ...(moved.curves ? { curvesVersion: get().curvesVersion + 1 } : {}),
      ...(moved.weights ? { weightsVersion: get().weightsVersion + 1 } : {}),
      ...(latest && live && latest.id === live.id && latest !== live ? { live: latest } : {}),
    });
    moved.curves = false;
    moved.weights = false;
  };
  const pacer = createPacer(publish, PUBLISH_EVERY_MS);

  const records = createRecordKeeper({
    current: () => (latest ? recordOf(latest, liveCurves.get(latest.id) ?? emptyCurves(), liveMeta.createdAt, liveMeta.project) : null),
    kept: (record) => set({ runs: [record, ...get().runs.filter((r) => r.id !== record.id)].sort((a, b) => b.createdAt - a.createdAt) }),
    save: (record) => trainingPlatform().saveRun(record),
    everyMs: SAVE_EVERY_MS,
  });

  /** Change the live run and show it at once. */
  const patchLive = (patch: Partial<LiveRun>) => {
    if (!latest) return;
    latest = { ...latest, ...patch };
    pacer.now();
  };

  const onEvent = (runId: string, e: TrainingEvent) => {
    if (!latest || latest.id !== runId) return;
    const r = applyEvent(latest, liveCurves.get(runId)!, e);
    latest = r.live;
    moved.curves ||= r.curves;
    moved.weights ||= r.weights;
    if (r.publish === 'now') pacer.now();
    else if (r.publish === 'frame') pacer.schedule();
    if (r.save !== 'none') void records.keep(r.save);
  };

  const launch = async (live: LiveRun, meta: typeof liveMeta, req: { weights?: WeightTensors; resume?: boolean }) => {
    if (handle) {
      unsubscribe?.();
      handle.close();
      handle = null;
    }
    // the previous run's last state is shown and written before it stops being the live one
    pacer.now();
    if (records.due) void records.keep('now');
    moved.curves = false;
    moved.weights = false;
    liveMeta = meta;
    latest = live;
    set({ live });
    await records.keep('now');
    try {
      const h = await trainingPlatform().start({ runId: live.id, graph: live.graph, data: live.data, hyper: live.hyper, weights: req.weights, resume: req.resume });
      handle = h;
      unsubscribe = h.onEvent((e) => onEvent(live.id, e));
    } catch (e) {
      patchLive({ status: 'failed', error: { message: e instanceof Error ? e.message : String(e), phase: 'start', node: null, saved: null } });
      await records.keep('now');
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
      // a run that was going when the app last closed is no longer going
      for (const r of interruptStale(runs, get().live?.id)) void trainingPlatform().saveRun(r).catch(() => undefined);
      set({ runs: runs.sort((a, b) => b.createdAt - a.createdAt), loaded: true });
    },

    async start(o) {
      const id = newRunId();
      liveCurves.set(id, emptyCurves());
      const live = newLiveRun({ id, name: `#${get().runs.length + 1} ${o.project} · ${o.dataLabel}`, graph: o.graph, data: o.data, hyper: o.hyper });
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
      const c = r.checkpoint;
      const live = newLiveRun({
        id,
        name: r.name,
        graph: r.graph,
        data: r.data,
        hyper: r.hyper,
        dataset: r.dataset,
        progress: { ...zeroProgress(), epoch: c.epoch, step: c.step, globalStep: c.globalStep },
        final: r.final,
        checkpoint: c,
      });
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
      if (latest?.id === id && get().live?.id === id) {
        patchLive({ name: clean });
        await records.keep('now');
        return;
      }
      const r = get().runs.find((x) => x.id === id);
      if (!r) return;
      const next = { ...r, name: clean, updatedAt: Date.now() };
      set({ runs: get().runs.map((x) => (x.id === id ? next : x)) });
      await records.settled(); // after any write of this run already on its way
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
        records.cancel();
        pacer.cancel();
        latest = null;
        set({ live: null });
      }
      liveCurves.delete(id);
      set({ runs: get().runs.filter((r) => r.id !== id), overlay: get().overlay.filter((x) => x !== id) });
      // a write still on its way must not bring the record back after the delete
      await records.forget(id);
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
