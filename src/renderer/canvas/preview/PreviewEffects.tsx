/**
 * Keeps the canvas's previews fresh: after an edit settles (debounced), one sample goes through
 * the network in a worker — the live run's worker with its current weights when the network on
 * the canvas is the one it trains, else a preview worker with the seed's initial weights. Never
 * on the main thread, one question in flight at a time, the latest wish winning.
 */
import { useEffect, useRef } from 'react';
import { selectGraph, useReport } from '../../store/report';
import { platform } from '../../platform';
import { useEditor } from '../../store/editor';
import { hyperFrom } from '../../training/SettingsSection';
import { choiceFromProject, shapesClassesFor, withShapesOptions } from '../../training/data-choice';
import { requests, useTraining } from '../../training/store';
import { useTrainingUi } from '../../training/ui';
import type { LayerOutputs } from '../../platform/training';
import { closePreview, previewOutputs, type PreviewRequest } from './runner';
import { usePreview } from './store';

/** Quiet time after an edit before a new worker is asked (typing "32" must not start two). */
const DEBOUNCE_MS = 400;
/** A network this heavy is not run on every edit (one sample, forward only): AlexNet and larger are left out. */
export const PREVIEW_MAX_FLOPS = 5e8;
/** Shapes drawn for a preview: one sample is shown, an ImageNet-sized set of thousands would cost gigabytes. */
const PREVIEW_SHAPES = { train: 64, test: 32 };
/** While a run trains, its weights move many times a second: the previews follow at most this often. */
const TRAINED_EVERY_MS = 1000;

interface Wish {
  key: string;
  run: () => Promise<LayerOutputs>;
  source: 'initial' | 'trained';
  graphKey: string;
}

export function PreviewEffects() {
  const graph = useEditor(selectGraph);
  const report = useReport();
  const training = useEditor((s) => s.meta.training);
  const picked = useTrainingUi((s) => s.data);
  const shapesSamples = useTrainingUi((s) => s.shapesSamples);
  const shapesTestSamples = useTrainingUi((s) => s.shapesTestSamples);
  const enabled = usePreview((s) => s.enabled);
  const sample = usePreview((s) => s.sample);
  const liveGraph = useTraining((s) => s.live?.graph ?? null);
  const liveStatus = useTraining((s) => s.live?.status ?? null);
  const weightsVersion = useTraining((s) => s.weightsVersion);

  const graphKey = JSON.stringify(graph);
  const trained = liveGraph !== null && JSON.stringify(liveGraph) === graphKey && liveStatus !== null && requests.available();
  const tooBig = report.totals.flops > PREVIEW_MAX_FLOPS;

  let wish: Wish | null = null;
  if (enabled && report.ok && !tooBig) {
    if (trained && (liveStatus === 'running' || liveStatus === 'starting')) {
      // a running worker is not asked: its device runs the training steps, and a preview
      // compiled and run between them would slow them (and a pause) down; paused or done, it is
      wish = null;
    } else if (trained) {
      wish = { key: `trained|${weightsVersion}|${sample}|${graphKey}`, run: () => requests.infer(sample), source: 'trained', graphKey };
    } else if (liveStatus === null || !['starting', 'running', 'paused'].includes(liveStatus)) {
      const data = withShapesOptions(picked ?? choiceFromProject(training.dataset, platform.training.systemData), {
        shapesSamples: Math.min(shapesSamples, PREVIEW_SHAPES.train),
        shapesTestSamples: Math.min(shapesTestSamples, PREVIEW_SHAPES.test),
        classes: shapesClassesFor(report),
      });
      const req: PreviewRequest = { graph, data, hyper: hyperFrom(training) };
      wish = { key: `initial|${sample}|${JSON.stringify([graph, data, req.hyper])}`, run: () => previewOutputs(req, sample), source: 'initial', graphKey };
    }
  }

  const flight = useRef<{ busy: boolean; queued: Wish | null; timer: ReturnType<typeof setTimeout> | null; last: number }>({ busy: false, queued: null, timer: null, last: -Infinity });
  const wishKey = wish?.key ?? null;
  const wishRef = useRef(wish);
  wishRef.current = wish;

  useEffect(() => {
    const f = flight.current;
    const w = wishRef.current;
    const set = usePreview.getState().set;
    if (!w) {
      f.queued = null;
      if (!enabled) closePreview();
      // none of these is the preview's error: a run in progress, a network past the size limit,
      // shape errors on the canvas (each block shows its own)
      const note = !enabled
        ? null
        : liveStatus !== null && ['starting', 'running'].includes(liveStatus)
          ? 'training: renewed when the run pauses or ends'
          : tooBig
            ? `previews are off for networks over ${PREVIEW_MAX_FLOPS / 1e6} MFLOP per sample`
            : !report.ok
              ? 'no preview while the network has errors'
              : null;
      set({ busy: false, note, error: null });
      return;
    }
    const pump = () => {
      if (f.busy || !f.queued) return;
      const asked = f.queued;
      f.queued = null;
      f.busy = true;
      f.last = performance.now();
      usePreview.getState().set({ busy: true });
      asked.run().then(
        (outputs) => {
          const st = usePreview.getState();
          st.set({ outputs, source: asked.source, graphKey: asked.graphKey, error: null, version: st.version + 1 });
        },
        (e: unknown) => usePreview.getState().set({ error: e instanceof Error ? e.message : String(e) }),
      ).finally(() => {
        f.busy = false;
        if (!f.queued) usePreview.getState().set({ busy: false });
        pump();
      });
    };
    f.queued = w;
    if (usePreview.getState().error !== null || usePreview.getState().note !== null) set({ error: null, note: null });
    if (f.timer) clearTimeout(f.timer);
    // edits wait for a quiet moment; moving weights are followed at a steady pace
    f.timer = setTimeout(
      () => {
        f.timer = null;
        pump();
      },
      w.source === 'trained' ? Math.max(0, f.last + TRAINED_EVERY_MS - performance.now()) : DEBOUNCE_MS,
    );
  }, [wishKey, enabled, tooBig, report.ok, liveStatus]);

  useEffect(() => () => closePreview(), []);
  return null;
}
