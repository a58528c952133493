/**
 * What the evaluation view relies on from the worker: per-sample true and predicted classes
 * that add up to the confusion matrix, numbered as `infer` numbers validation samples (so a
 * clicked cell's samples can be fetched and drawn).
 */
import { describe, expect, it } from 'vitest';
import { createNodeDevice } from '../../src/engine/backend/device.node.js';
import { openBuiltinDataset } from '../../src/engine/data/ref';
import { memoryCheckpointStore } from '../../src/engine/train/checkpoint';
import { TrainingSession } from '../../src/engine/worker/session';
import { argmax, confusionFrom } from '../../src/engine/visuals/confusion';
import type { EventOf, WorkerEvent } from '../../src/engine/worker/protocol';
import { startSmall } from '../integration/worker-helpers';

describe('evaluation samples', () => {
  it('truth/predicted per validation sample rebuild the confusion matrix and agree with infer', async () => {
    const waiting = new Map<string, (e: WorkerEvent) => void>();
    const s = new TrainingSession({
      post: (e) => waiting.get(e.type)?.(e),
      createDevice: createNodeDevice,
      openDataset: async (ref, ctx) => openBuiltinDataset(ref, ctx),
      store: memoryCheckpointStore(),
      yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
      now: () => performance.now(),
    });
    const next = <T extends WorkerEvent['type']>(type: T) => new Promise<EventOf<T>>((r) => waiting.set(type, r as (e: WorkerEvent) => void));

    const finished = next('finished');
    s.handle(startSmall({ epochs: 1 }));
    expect((await finished).reason).toBe('completed');

    const evaluated = next('evaluation');
    s.handle({ v: 1, type: 'evaluate', requestId: 7 });
    const ev = await evaluated;
    expect(ev.count).toBe(48);
    const { truth, predicted } = ev.samples!;
    expect(truth).toBeInstanceOf(Int32Array);
    expect(truth).toHaveLength(48);
    expect(predicted).toHaveLength(48);
    expect(confusionFrom([...truth], [...predicted], 6)).toEqual(ev.confusion);
    // a trained-for-one-epoch net is neither perfect nor constant: the check below means something
    expect(new Set(predicted).size).toBeGreaterThan(1);

    for (const i of [0, 5, 47]) {
      const inferred = next('inference');
      s.handle({ v: 1, type: 'infer', requestId: 8 + i, sample: i });
      const out = (await inferred).outputs.out;
      expect(argmax(out.data), `validation sample ${i}`).toBe(predicted[i]);
    }
  });
});
