/**
 * The training worker's entry in the browser: a dedicated Web Worker running the same
 * TrainingSession as the Node worker. Built-in datasets only (no file system); checkpoints are
 * kept in memory and sent to the page with each checkpoint event.
 */
import { createDevice } from '../backend/device';
import { openBuiltinDataset } from '../data/ref';
import { memoryCheckpointStore } from '../train/checkpoint';
import { TrainingSession } from '../train/session';
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

const session = new TrainingSession({
  post: (e: WorkerEvent) => scope.postMessage(e),
  createDevice,
  openDataset: async (ref, ctx) => openBuiltinDataset(ref, ctx),
  store: memoryCheckpointStore(),
  yieldToEvents,
  now: () => performance.now(),
});

scope.addEventListener('message', (e) => session.handle(e.data));
