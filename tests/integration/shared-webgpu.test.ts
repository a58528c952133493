/**
 * gpu.js's shared GPUDevice lives exactly as long as a Convas WebGPU Device uses it: the last
 * Device's destroy() destroys it (shared-webgpu.ts), because in Node Dawn keeps a core busy
 * polling while any GPUDevice lives. A Device made afterwards gets a fresh GPUDevice and runs.
 */
import { describe, expect, it } from 'vitest';
import * as gpujs from 'gpu.js';
import { createNodeDevice } from '../../src/engine/backend/device.node.js';
import { holdSharedDevice, sharedDeviceHolders } from '../../src/engine/backend/shared-webgpu';
import type { Handle, KernelThis } from '../../src/engine/layers/spec';
import { TEST_BACKENDS } from '../helpers/backends';

type Shared = { device: { lost: Promise<{ reason?: string }> } };
const WebGPUContext = (gpujs as unknown as { WebGPUContext: { acquire(): Promise<Shared> } }).WebGPUContext;

/** Resolves to the lost reason, or 'alive' if the device is still up after a short wait. */
async function lostOrAlive(shared: Shared): Promise<string> {
  return Promise.race([shared.device.lost.then((i) => i.reason ?? ''), new Promise<string>((r) => setTimeout(() => r('alive'), 500))]);
}

async function doubles(device: Awaited<ReturnType<typeof createNodeDevice>>): Promise<number[]> {
  const k = device.kernel(function (this: KernelThis, a: Float32Array) {
    return a[this.thread.x] * 2;
  } as never, 4);
  const plan = device.plan(1, (a) => [k(a as Handle)]);
  const [out] = await plan(Float32Array.of(1, 2, 3, 4));
  return Array.from(out);
}

describe.runIf(TEST_BACKENDS.includes('webgpu'))('the shared WebGPU device', () => {
  it('is destroyed with the last Convas Device that holds it, and the next Device gets a fresh one', async () => {
    const a = await createNodeDevice('webgpu');
    const b = await createNodeDevice('webgpu');
    expect(sharedDeviceHolders()).toBe(2);
    const first = await WebGPUContext.acquire();
    expect(await doubles(a)).toEqual([2, 4, 6, 8]);

    a.destroy();
    expect(sharedDeviceHolders()).toBe(1);
    expect(await lostOrAlive(first)).toBe('alive');
    expect(await doubles(b)).toEqual([2, 4, 6, 8]);

    b.destroy();
    expect(sharedDeviceHolders()).toBe(0);
    expect(await lostOrAlive(first)).toBe('destroyed');

    const c = await createNodeDevice('webgpu');
    const second = await WebGPUContext.acquire();
    expect(second).not.toBe(first);
    expect(await doubles(c)).toEqual([2, 4, 6, 8]);
    c.destroy();
    c.destroy(); // twice is harmless
    expect(sharedDeviceHolders()).toBe(0);
    // a destroyed Device says so, instead of a misleading "device lost"
    expect(() => c.plan(1, (x) => [x])).toThrow('plan() on a destroyed webgpu Device: make a new one');
  }, 120_000);

  it('is not destroyed under a Device that is still getting it when the last other one lets go', async () => {
    const a = await holdSharedDevice();
    const getting = holdSharedDevice(); // asks for the shared device now, gets it after an await
    await a.release();
    const b = await getting;
    expect(await lostOrAlive(b.context!)).toBe('alive');
    expect(sharedDeviceHolders()).toBe(1);
    await b.release();
    expect(await lostOrAlive(b.context!)).toBe('destroyed');
  }, 120_000);
});
