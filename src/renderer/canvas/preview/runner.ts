/**
 * One sample through the network with the seed's initial weights, before any training: a
 * short-lived run in the same worker training uses (a Web Worker in the browser, the training
 * utility process on the desktop), started with batch 1 and paused before its first step, so
 * it holds initialised weights and the opened data and answers `infer` like a live run. The
 * worker is kept while the graph, data and seed stay the same (a new sample is one `infer`),
 * and replaced when they change.
 */
import type { Graph } from '../../../engine/graph/types';
import { platform } from '../../platform';
import type { DataChoice, LayerOutputs, RunHandle, RunHyper } from '../../platform/training';

export interface PreviewRequest {
  graph: Graph;
  data: DataChoice;
  hyper: RunHyper;
}

let current: { key: string; handle: Promise<RunHandle> } | null = null;
// two ids in turn: a desktop worker's exit is routed by run id, and must not reach its successor
let slot = 0;

/** What makes the workers' weights and data the same: the graph, the data and the settings. */
export function previewKey(r: PreviewRequest): string {
  return JSON.stringify([r.graph, r.data, r.hyper]);
}

function startPreview(r: PreviewRequest): Promise<RunHandle> {
  slot = 1 - slot;
  const runId = `canvas-preview-${slot ? 'a' : 'b'}`;
  // batch 1 and one epoch: the training plan compiled at start stays small; paused before step 1
  const hyper: RunHyper = { ...r.hyper, epochs: 1, batchSize: 1, checkpointEachEpoch: false, checkpointEverySteps: 0 };
  return platform.training.start({ runId, graph: r.graph, data: r.data, hyper }).then(
    (h) =>
      new Promise<RunHandle>((resolve, reject) => {
        const off = h.onEvent((e) => {
          if (e.type === 'ready') {
            off();
            resolve(h);
          } else if (e.type === 'error' || e.type === 'exit') {
            off();
            h.close();
            reject(new Error(e.message));
          }
        });
        h.pause();
      }),
  );
}

/** Every node's output for `sample` with initial weights; the worker is reused while `r` is unchanged. */
export async function previewOutputs(r: PreviewRequest, sample: number): Promise<LayerOutputs> {
  const key = previewKey(r);
  if (!current || current.key !== key) {
    closePreview();
    current = { key, handle: startPreview(r) };
    current.handle.catch(() => {
      if (current?.key === key) current = null;
    });
  }
  const h = await current.handle;
  if (!h.alive) {
    if (current?.key === key) current = null;
    throw new Error('the preview worker ended');
  }
  return h.infer(sample);
}

/** End the preview worker (the canvas stopped previewing, or a run with the real weights took over). */
export function closePreview(): void {
  const c = current;
  current = null;
  c?.handle.then((h) => h.close(), () => undefined);
}
