/**
 * Auto-layout off the page's main thread: the canvas's sized nodes and port edges (layout.ts
 * `layoutJob`) go to a module web worker (src/engine/graph/layout-worker.ts) that runs the
 * engine's layout core (elkjs, then the snake of columns); the positions come back. The worker
 * is started on the first layout and kept (elkjs loads once); one that fails is ended and the
 * next layout starts a new one. A layout that takes longer than BUSY_AFTER_MS says so in the
 * busy line; a quick one shows nothing. The same code runs in the browser build and Electron.
 */
import type { Positions } from '../../engine/graph/layout';
import type { LayoutJob, LayoutJobResult } from '../../engine/graph/layout-worker';
import { useUi } from '../store/ui';
import { layoutJob } from './layout';

/** A layout quicker than this shows no busy line. */
export const BUSY_AFTER_MS = 300;

interface Pending {
  resolve(result: LayoutJobResult): void;
  reject(error: Error): void;
}

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;

function failAll(error: Error): void {
  worker?.terminate();
  worker = null;
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

function layoutWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../../engine/graph/layout-worker.ts', import.meta.url), { type: 'module', name: 'convas-layout' });
  w.onmessage = (e: MessageEvent<LayoutJobResult>) => {
    const p = typeof e.data?.id === 'number' && typeof e.data.ok === 'boolean' ? pending.get(e.data.id) : undefined;
    if (!p) return; // not an answer to one of our jobs
    pending.delete(e.data.id);
    p.resolve(e.data);
  };
  w.onerror = (e) => {
    e.preventDefault();
    failAll(new Error(`the layout worker failed: ${e.message || 'its script did not load or threw'}`));
  };
  w.onmessageerror = () => failAll(new Error('the layout worker sent a message that could not be read'));
  worker = w;
  return w;
}

function runInWorker(job: Omit<LayoutJob, 'id'>): Promise<LayoutJobResult> {
  const id = nextId++;
  const w = layoutWorker();
  return new Promise<LayoutJobResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ ...job, id } satisfies LayoutJob);
  });
}

/** Lay the canvas's nodes out in a worker (measured sizes where React Flow has them). */
export async function layoutInWorker(nodes: Parameters<typeof layoutJob>[0], edges: Parameters<typeof layoutJob>[1]): Promise<Positions> {
  const text = `Laying out ${nodes.length} blocks…`;
  const timer = setTimeout(() => useUi.getState().setBusy(text), BUSY_AFTER_MS);
  try {
    const result = await runInWorker(layoutJob(nodes, edges));
    if (!result.ok) {
      const error = new Error(result.error.message);
      error.name = result.error.name;
      throw error;
    }
    return result.positions;
  } finally {
    clearTimeout(timer);
    if (useUi.getState().busy === text) useUi.getState().setBusy(null);
  }
}
