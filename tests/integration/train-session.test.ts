/**
 * The session as the browser's Web Worker runs it: no file system — checkpoints are kept in
 * memory and travel in the checkpoint event, and a run resumes from those bytes exactly.
 */
import { describe, expect, it } from 'vitest';
import { createNodeDevice } from '../../src/engine/backend/node';
import { openBuiltinDataset } from '../../src/engine/data/ref';
import { memoryCheckpointStore } from '../../src/engine/train/checkpoint';
import { TrainingSession } from '../../src/engine/train/session';
import type { EventOf, WorkerEvent } from '../../src/engine/worker/protocol';
import { sameTensors, startSmall } from './worker-helpers';

function session(onEvent: (e: WorkerEvent, s: TrainingSession) => void = () => undefined) {
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
    now: () => performance.now(),
  });
  return { s, events, done };
}

describe('training session with an in-memory checkpoint store (web host)', () => {
  it('sends checkpoints as bytes, and a run resumed from them ends where the whole run ends', async () => {
    const whole = session();
    whole.s.handle(startSmall());
    const a = (await whole.done) as EventOf<'finished'>;
    expect(a.type).toBe('finished');
    // scheduled epoch checkpoints need no path here: memory keeps them
    expect(whole.events.filter((e) => e.type === 'checkpoint').map((e) => (e as EventOf<'checkpoint'>).reason)).toEqual(['epoch']);

    let bytes: Uint8Array | undefined;
    let takenAt = 0;
    const first = session((e, s) => {
      if (e.type === 'step' && e.globalStep === 9) s.handle({ v: 1, type: 'checkpoint' });
      if (e.type === 'checkpoint' && e.reason === 'request') {
        bytes = e.bytes;
        takenAt = e.step;
        expect(e.path).toBe('memory:latest');
        s.handle({ v: 1, type: 'stop' });
      }
    });
    first.s.handle(startSmall());
    expect((await first.done).type).toBe('finished');
    expect(bytes).toBeInstanceOf(Uint8Array);

    const second = session();
    second.s.handle(startSmall({}, { checkpoint: bytes }));
    const b = (await second.done) as EventOf<'finished'>;
    // asked during step 9's event: taken at the end of the chunk of steps in flight (weights cross to JS only there)
    expect(takenAt).toBeGreaterThanOrEqual(9);
    expect(second.events[0]).toMatchObject({ type: 'ready', resumedFrom: { epoch: 1, step: takenAt } });
    expect(sameTensors(b.weights, a.weights)).toBe(true);
  });

  it('says a folder cannot be read without a file system', async () => {
    const x = session();
    x.s.handle(startSmall({}, { data: { kind: 'folder', path: '/data/mnist' } }));
    const e = (await x.done) as EventOf<'error'>;
    expect(e.message).toMatch(/data from a folder \(\/data\/mnist\) can only be read where there is a file system/);
  });
});
