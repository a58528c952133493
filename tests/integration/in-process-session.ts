/**
 * A TrainingSession run in this process, as the browser's Web Worker runs it: checkpoints kept in
 * memory, built-in data only. Collects every event and resolves `done` at the run's end.
 */
import { createNodeDevice } from '../../src/engine/backend/device.node.js';
import { openBuiltinDataset } from '../../src/engine/data/ref';
import { memoryCheckpointStore } from '../../src/engine/train/checkpoint';
import type { EventOf, WorkerEvent } from '../../src/engine/worker/protocol';
import { TrainingSession } from '../../src/engine/worker/session';

export function inProcessSession(onEvent: (e: WorkerEvent, s: TrainingSession) => void = () => undefined, now: () => number = () => performance.now()) {
  const events: WorkerEvent[] = [];
  let finish!: (e: EventOf<'finished'> | EventOf<'error'>) => void;
  const done = new Promise<EventOf<'finished'> | EventOf<'error'>>((r) => (finish = r));
  const s: TrainingSession = new TrainingSession({
    post: (e) => {
      events.push(e);
      onEvent(e, s);
      if (e.type === 'finished' || e.type === 'error') finish(e);
    },
    createDevice: createNodeDevice,
    openDataset: async (ref, ctx) => openBuiltinDataset(ref, ctx),
    store: memoryCheckpointStore(),
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
    now,
  });
  return { s, events, done };
}
