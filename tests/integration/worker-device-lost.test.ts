/**
 * A WebGPU device lost mid-run (here `device.destroy()` on the GPUDevice gpu.js shares, on
 * SwiftShader): the run ends at once with an error naming the phase and the device, keeps its last
 * checkpoint (the error's `saved`), and a run resumed from that checkpoint gets a fresh device and
 * finishes. The loss happens while the run is paused, so the next step is the first to meet it.
 * Before device-lost.ts, plans built after the loss quietly ran on a fresh device and the run
 * failed some chunks later, at an older plan, with gpu.js's "will rebuild on its next call".
 */
import { describe, expect, it } from 'vitest';
import * as gpujs from 'gpu.js';
import type { EventOf } from '../../src/engine/worker/protocol';
import { TEST_BACKENDS } from '../helpers/backends';
import { inProcessSession } from './in-process-session';
import { startSmall } from './worker-helpers';

/** gpu.js's shared WebGPU device (exported, not in its typings). */
const WebGPUContext = (gpujs as unknown as { WebGPUContext: { acquire(): Promise<{ device: { destroy(): void; lost: Promise<{ reason: string }> } }> } }).WebGPUContext;

const session = inProcessSession;

describe.runIf(TEST_BACKENDS.includes('webgpu'))('a WebGPU device lost mid-run', () => {
  it('ends the run with an error naming the step and the device, keeps the last checkpoint, and a resume from it finishes', async () => {
    let bytes: Uint8Array | undefined;
    let lostReason = '';
    const run = session((e, s) => {
      if (e.type === 'step' && e.globalStep === 4 && !bytes) s.handle({ v: 1, type: 'checkpoint' });
      if (e.type === 'checkpoint' && e.reason === 'request') {
        bytes = e.bytes;
        s.handle({ v: 1, type: 'pause' });
      }
      if (e.type === 'paused') {
        void (async () => {
          const { device } = await WebGPUContext.acquire();
          device.destroy();
          lostReason = (await device.lost).reason;
          s.handle({ v: 1, type: 'resume' });
        })();
      }
    });
    run.s.handle(startSmall({ backend: 'webgpu' }));
    const end = await run.done;
    expect(lostReason).toBe('destroyed');
    expect(end.type).toBe('error');
    const err = end as EventOf<'error'>;
    const checkpoint = run.events.find((e) => e.type === 'checkpoint') as EventOf<'checkpoint'>;
    expect(err.where.phase).toBe('step');
    expect(err.message).toMatch(/^training step, epoch 1 after step \d+: the WebGPU device \(.*SwiftShader.*\) was lost \(destroyed/);
    expect(err.message).toContain(`The last good checkpoint is memory:latest (epoch 1 after step ${checkpoint.step}).`);
    expect(err.saved).toEqual({ checkpoint: 'memory:latest', epoch: 1, step: checkpoint.step });
    // the run stopped at the first step after the loss: no step, epoch or checkpoint event after it
    const resumedAt = run.events.findIndex((e) => e.type === 'resumed');
    expect(resumedAt).toBeGreaterThan(0);
    expect(run.events.slice(resumedAt + 1).map((e) => e.type)).toEqual(['error']);
    // and the checkpoint it kept takes a new run (a fresh device) to the end
    const resumed = session();
    resumed.s.handle(startSmall({ backend: 'webgpu' }, { checkpoint: bytes }));
    const fin = await resumed.done;
    expect(fin.type).toBe('finished');
    expect((fin as EventOf<'finished'>).epochs).toBe(2);
  }, 120_000);
});
