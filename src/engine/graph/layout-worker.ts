/**
 * The app's layout worker (a module web worker, browser build and Electron alike): `LayoutJob`
 * messages in (sized nodes, port edges, an id), one `LayoutJobResult` out for each (positions,
 * or the error's name and message, with the job's id). The canvas's Auto layout and opening a
 * project without positions run the engine's layout core here, so a DenseNet-121-size graph does
 * not hold the page's main thread. The worker stays for the next layout: elkjs (1.4 MB) loads
 * once, as the worker starts. elkjs's bundle, when it loads in a worker, sets `self.onmessage` to
 * its own dispatcher, which would answer our jobs with errors: the worker removes it right after
 * the bundle has run (before any message can reach it), and runs each job after that.
 */
import { layoutSized, type PortEdge, type Positions, type SizedNode } from './layout';

export interface LayoutJob {
  id: number;
  nodes: SizedNode[];
  edges: PortEdge[];
}

export type LayoutJobResult = { id: number } & ({ ok: true; positions: Positions } | { ok: false; error: { name: string; message: string } });

/** The parts of DedicatedWorkerGlobalScope used here (the engine builds without DOM types). */
interface WorkerScope {
  onmessage: unknown;
  postMessage(message: LayoutJobResult): void;
  addEventListener(type: 'message', listener: (e: { data: LayoutJob }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

// the same module layout.ts loads on its first layout: its claim on onmessage is undone at once
const elkLoaded = import('elkjs/lib/elk.bundled.js').then(() => {
  scope.onmessage = null;
});

scope.addEventListener('message', (e) => {
  const { id, nodes, edges } = e.data;
  elkLoaded
    .then(() => layoutSized(nodes, edges))
    .then(
      (positions): LayoutJobResult => ({ id, ok: true, positions }),
      (err: unknown): LayoutJobResult => ({ id, ok: false, error: err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) } }),
    )
    .then((result) => scope.postMessage(result));
});
