/**
 * The training worker's entry in Node: runs one TrainingSession and wires it to whichever
 * channel this process has — Electron's `process.parentPort` in a utility process, or the IPC
 * channel of a `child_process.fork` child (the CLI, the tests). No electron import: Electron
 * provides `parentPort` on `process` itself.
 */
import { availableParallelism } from 'node:os';
import { createNodeDevice } from '../backend/device.node.js';
import { setWebasmThreads, threadsBesideUi, threadsFromEnv } from '../backend/threads';
import { openDataset } from '../data/open.node.js';
import { fileCheckpointStore } from '../train/checkpoint-file.node.js';
import { nodeMemoryLimit } from '../train/memory-limit.node.js';
import { TrainingSession } from './session';
import { errorEvent, type WorkerEvent } from './protocol';

interface ParentPort {
  on(name: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function channel(): { post(m: WorkerEvent): void; listen(fn: (m: unknown) => void): void } {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return { post: (m) => parentPort.postMessage(m), listen: (fn) => parentPort.on('message', (e) => fn(e.data)) };
  }
  if (process.send) {
    return {
      post: (m) => void process.send!(m),
      listen: (fn) => process.on('message', fn),
    };
  }
  throw new Error('the training worker must run as an Electron utility process or a forked child (no parent channel here)');
}

/**
 * webasm threads: CONVAS_THREADS when set; in the app's training process (Electron's parentPort)
 * every core but one, which the window and the OS keep; elsewhere (the CLI, tests) every core.
 */
function chooseThreads(): void {
  const cores = availableParallelism();
  const inApp = (process as { parentPort?: unknown }).parentPort !== undefined;
  setWebasmThreads(threadsFromEnv(process.env.CONVAS_THREADS) ?? (inApp ? threadsBesideUi(cores) : cores));
}

function main(): void {
  const ch = channel();
  try {
    chooseThreads();
  } catch (e) {
    ch.post(errorEvent((e as Error).message, 'start'));
    return;
  }
  const session = new TrainingSession({
    post: ch.post,
    createDevice: createNodeDevice,
    openDataset,
    store: fileCheckpointStore,
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
    memoryLimit: nodeMemoryLimit,
  });
  ch.listen((m) => session.handle(m));
  // The session reports its own errors; anything escaping it is a bug, reported before dying.
  const fatal = (e: unknown) => {
    ch.post(
      errorEvent(`training worker crashed: ${e instanceof Error ? e.message : String(e)}`, 'worker'),
    );
    setTimeout(() => process.exit(70), 100);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  // The parent went away: nobody is listening, so stop instead of training for no one.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C in a terminal reaches the whole process group: the parent turns it into a clean
  // stop with a checkpoint, which needs this process alive.
  process.on('SIGINT', () => undefined);
}

main();
