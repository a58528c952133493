/**
 * The session as the browser's Web Worker runs it: no file system — checkpoints are kept in
 * memory and travel in the checkpoint event, and a run resumes from those bytes exactly.
 */
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../src/engine/graph/validate';
import { weightsToJson } from '../../src/engine/io/weights';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { TrainingSession } from '../../src/engine/worker/session';
import type { EventOf } from '../../src/engine/worker/protocol';
import { inProcessSession } from './in-process-session';
import { sameTensors, smallCnn, startSmall } from './worker-helpers';

const session = inProcessSession;

/** Two Dense layers and no activation: at a high learning rate each one's gradient grows with the other's weights, so the logits overflow after a few steps. */
const linearNet = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 16, 16] } },
    { id: 'flat', type: 'Flatten', params: {} },
    { id: 'fc1', type: 'Dense', params: { units: 8 } },
    { id: 'fc2', type: 'Dense', params: { units: 6 } },
    { id: 'out', type: 'Softmax', params: {} },
  ],
  edges: [
    { from: 'input', to: 'flat', port: 0 },
    { from: 'flat', to: 'fc1', port: 0 },
    { from: 'fc1', to: 'fc2', port: 0 },
    { from: 'fc2', to: 'out', port: 0 },
  ],
};

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
    expect(second.events.find((e) => e.type === 'ready')).toMatchObject({ type: 'ready', resumedFrom: { epoch: 1, step: takenAt } });
    expect(sameTensors(b.weights, a.weights)).toBe(true);
  });

  it('gives the same weights whatever the chunks: longest chunks (frozen clock) and one step per call', async () => {
    const frozen = session(() => undefined, () => 0);
    frozen.s.handle(startSmall({ batchSize: 12 }));
    const a = (await frozen.done) as EventOf<'finished'>;
    const single = session();
    // a checkpoint after every step forces one step per call
    single.s.handle(startSmall({ batchSize: 12, checkpointEverySteps: 1 }));
    const b = (await single.done) as EventOf<'finished'>;
    expect(a.type).toBe('finished');
    expect(b.type).toBe('finished');
    // 20 steps an epoch: chunks of 1, 16, 2, 1 then 16, 4 — the 2-step plan is released when the 4-step one compiles
    expect(a.globalStep).toBe(40);
    expect(sameTensors(a.weights, b.weights)).toBe(true);
  });

  it('a pause or stop that comes while a chunk runs acts at once, at the step before it; resumed, the run ends bit for bit as the uninterrupted one', async () => {
    const whole = session(() => undefined, () => 0);
    whole.s.handle(startSmall({ batchSize: 12 }));
    const a = (await whole.done) as EventOf<'finished'>;
    // frozen clock: after step 1 comes a 16-step chunk. The command is sent from inside the clock
    // the session reads just before that chunk's plan call (epoch.ts reads it before the gate, when
    // the chunk starts, then right before the call), so it lands while the call runs.
    const cutShort = (command: 'pause' | 'stop') => {
      let armed = false;
      let reads = 0;
      let holder!: TrainingSession;
      const run = session((e, s) => {
        holder = s;
        if (e.type === 'step' && e.globalStep === 1) armed = true;
      }, () => {
        if (armed && ++reads === 3) {
          armed = false;
          holder.handle(command === 'pause' ? { v: 1, type: 'pause' } : { v: 1, type: 'stop', checkpoint: false });
        }
        return 0;
      });
      return run;
    };
    const paused = cutShort('pause');
    paused.s.handle(startSmall({ batchSize: 12 }));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (paused.events.some((e) => e.type === 'paused')) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    const at = paused.events.findIndex((e) => e.type === 'paused');
    expect(paused.events[at]).toMatchObject({ type: 'paused', epoch: 1, step: 1 });
    // nothing of the cut chunk was reported
    expect(paused.events.filter((e) => e.type === 'step').map((e) => (e as EventOf<'step'>).globalStep)).toEqual([1]);
    paused.s.handle({ v: 1, type: 'resume' });
    const b = (await paused.done) as EventOf<'finished'>;
    expect(b.globalStep).toBe(40);
    expect(sameTensors(a.weights, b.weights)).toBe(true);
    const stopped = cutShort('stop');
    stopped.s.handle(startSmall({ batchSize: 12 }));
    const c = (await stopped.done) as EventOf<'finished'>;
    expect(c).toMatchObject({ type: 'finished', reason: 'stopped', globalStep: 1 });
  });

  it('a run diverging inside a chunk of steps reports the same step, layer and message as one step per call', async () => {
    // a frozen clock makes every step look free: chunks are as long as the epoch and memory allow
    const chunked = session(() => undefined, () => 0);
    const hyper = { epochs: 1, optimizer: { name: 'sgd' as const, lr: 10 } };
    chunked.s.handle(startSmall(hyper, { graph: linearNet }));
    const a = (await chunked.done) as EventOf<'error'>;
    // a checkpoint after every step forces one step per call
    const single = session();
    single.s.handle(startSmall({ ...hyper, checkpointEverySteps: 1 }, { graph: linearNet }));
    const b = (await single.done) as EventOf<'error'>;
    expect(a.type).toBe('error');
    expect(b.type).toBe('error');
    expect(a.where.step).toBeGreaterThan(2); // past the first chunk (one step) and inside a longer one
    expect(a.where).toEqual(b.where);
    expect(a.message).toBe(b.message.replace(/ The last good checkpoint is .*$/, ''));
  });

  it('says a folder cannot be read without a file system', async () => {
    const x = session();
    x.s.handle(startSmall({}, { data: { kind: 'folder', path: '/data/mnist' } }));
    const e = (await x.done) as EventOf<'error'>;
    expect(e.message).toMatch(/data from a folder \(\/data\/mnist\) can only be read where there is a file system/);
  });

  it('refuses starting weights that do not fit the graph, in the words saving them would use (one rule, io/weights.ts)', async () => {
    const weights = { 'conv.weight': new Float32Array(35), 'conv.bias': new Float32Array(4), 'fc.weight': new Float32Array(6 * 196), extra: new Float32Array(1) };
    let saving = '';
    try {
      weightsToJson(inferShapes(parseGraph(smallCnn)), weights);
    } catch (err) {
      saving = (err as Error).message;
    }
    expect(saving).toMatch(/^3 problems with the weights: conv\.weight: has 35 values, graph needs 4×1×3×3 = 36; .*fc\.bias: missing .*extra: not a tensor of this graph/);
    const x = session();
    x.s.handle(startSmall({}, { weights }));
    const e = (await x.done) as EventOf<'error'>;
    expect(e.type).toBe('error');
    expect(e.where.phase).toBe('start');
    expect(e.message).toBe(`initial weights do not fit the graph: ${saving}`);
  });
});
