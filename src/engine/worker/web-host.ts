/**
 * The training worker's entry in the browser: a dedicated Web Worker running the same
 * TrainingSession as the Node worker. No file system: file data arrives as bytes first (a
 * `provide-data` message, outside the protocol because it is this host's own business) and a
 * run names it `{ kind: 'folder', path: 'memory:<key>' }`; checkpoints are kept in memory and
 * sent to the page with each checkpoint event.
 */
import { setWebasmThreads, threadsBesideUi } from '../backend/threads';
import { createDevice } from '../backend/device';
import { MEMORY_PREFIX, openMemoryData, type MemoryData } from '../data/memory';
import { openBuiltinDataset } from '../data/ref';
import { DatasetError } from '../data/types';
import { memoryCheckpointStore } from '../train/checkpoint';
import { browserMemoryLimit } from '../train/memory-estimate';
import { TrainingSession } from './session';
import type { WorkerEvent } from './protocol';

/** The parts of DedicatedWorkerGlobalScope used here (the engine builds without DOM types). */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

/** A macrotask boundary, so queued messages run between steps (MessageChannel beats setTimeout's clamping). */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    // typed by hand: the engine compiles against Node's lib too, whose MessagePort differs
    const ch = new MessageChannel() as unknown as { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(m: unknown): void } };
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/**
 * Leave the page a core: a pool as wide as the machine, plus this worker, starves the page's main
 * thread (long tasks of hundreds of milliseconds while training). The pool gets one thread fewer;
 * on a 2-core machine that is no pool — the plan runs in this worker alone and the page keeps a core.
 */
const pageCores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
if (pageCores) setWebasmThreads(threadsBesideUi(pageCores));

/** Data the page handed over, by key. */
const provided = new Map<string, MemoryData>();

interface ProvideData {
  type: 'provide-data';
  key: string;
  data: MemoryData;
}
const isProvideData = (m: unknown): m is ProvideData => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'provide-data';

const session = new TrainingSession({
  post: (e: WorkerEvent) => scope.postMessage(e),
  createDevice,
  openDataset: async (ref, ctx) => {
    if (ref.kind !== 'folder' || !ref.path.startsWith(MEMORY_PREFIX)) return openBuiltinDataset(ref, ctx);
    const data = provided.get(ref.path.slice(MEMORY_PREFIX.length));
    if (!data) throw new DatasetError(`the data ${ref.path} was not handed to this worker: choose the files again`);
    return openMemoryData(data, ctx);
  },
  store: memoryCheckpointStore(),
  yieldToEvents,
  now: () => performance.now(),
  memoryLimit: () => browserMemoryLimit((globalThis as { navigator?: { deviceMemory?: number } }).navigator),
});

scope.addEventListener('message', (e) => {
  if (isProvideData(e.data)) provided.set(e.data.key, e.data.data);
  else session.handle(e.data);
});
