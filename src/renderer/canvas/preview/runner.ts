/**
 * One sample through the network with the seed's initial weights, before any training: a
 * short-lived run in the same worker training uses (a Web Worker in the browser, the training
 * utility process on the desktop), started as a *preview* (the protocol's `start.preview`:
 * forward only, batch 1, no training plan, no output layer needed), so it holds initialised
 * weights and the opened data and answers `infer` (and `saliency`) like a live run. A graph
 * that ends anywhere — an imported ResNet's Dense, a half-built network — previews as long as
 * its shapes are valid. The worker is kept while the graph, data and seed stay the same (a new
 * sample is one `infer`), and replaced when they change.
 */
import type { Graph } from '../../../engine/graph/types';
import { platform } from '../../platform';
import type { DataChoice, LayerOutputs, RunHandle, RunHyper } from '../../platform/training';

export interface PreviewRequest {
  graph: Graph;
  data: DataChoice;
  hyper: RunHyper;
  /** Weights to hold instead of the seed's initial ones (a trained run's). */
  weights?: Record<string, Float32Array>;
  /** Names the weights in the cache key (their values are not compared). */
  weightsKey?: string;
}

/** What makes the workers' weights and data the same: the graph, the data, the settings and the weights' name. */
export function previewKey(r: PreviewRequest): string {
  return JSON.stringify([r.graph, r.data, r.hyper, r.weightsKey ?? null]);
}

/** A batch-1 preview run kept while its request stays the same; `name` keeps two users (previews, saliency) apart. */
export class PreviewRun {
  private current: { key: string; handle: Promise<RunHandle> } | null = null;
  // two ids in turn: a desktop worker's exit is routed by run id, and must not reach its successor
  private slot = 0;
  constructor(private readonly name: string) {}

  async handle(r: PreviewRequest): Promise<RunHandle> {
    const key = previewKey(r);
    if (!this.current || this.current.key !== key) {
      this.close();
      this.slot = 1 - this.slot;
      const started = startPreview(r, `${this.name}-${this.slot ? 'a' : 'b'}`);
      this.current = { key, handle: started };
      started.catch(() => {
        if (this.current?.key === key) this.current = null;
      });
    }
    const h = await this.current.handle;
    if (!h.alive) {
      if (this.current?.key === key) this.current = null;
      throw new Error('the worker ended');
    }
    return h;
  }

  close(): void {
    const c = this.current;
    this.current = null;
    c?.handle.then((h) => h.close(), () => undefined);
  }
}

function startPreview(r: PreviewRequest, runId: string): Promise<RunHandle> {
  // batch 1: the data pipeline and the infer plan are sized for one sample; a preview never trains
  const hyper: RunHyper = { ...r.hyper, epochs: 1, batchSize: 1, checkpointEachEpoch: false, checkpointEverySteps: 0 };
  return platform.training.start({ runId, graph: r.graph, data: r.data, hyper, preview: true, ...(r.weights ? { weights: r.weights } : {}) }).then(
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
      }),
  );
}

const previews = new PreviewRun('canvas-preview');

/** Every node's output for `sample` with initial weights; the worker is reused while `r` is unchanged. */
export async function previewOutputs(r: PreviewRequest, sample: number): Promise<LayerOutputs> {
  return (await previews.handle(r)).infer(sample);
}

/** End the preview worker (the canvas stopped previewing, or a run with the real weights took over). */
export function closePreview(): void {
  previews.close();
}
