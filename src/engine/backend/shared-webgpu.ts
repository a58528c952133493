/**
 * The one GPUDevice gpu.js shares between every WebGPU kernel (its `WebGPUContext`), held while
 * Convas Devices use it and destroyed when the last of them is.
 *
 * Why destroy it: gpu.js never does (`gpu.destroy()` leaves the shared device to the page), and
 * in Node, Dawn's addon keeps one thread polling for as long as a GPUDevice lives — measured here:
 * a process with an idle live device uses 96–99 % of a core, 1 % once the device is destroyed. A
 * bench or a CLI run that probed WebGPU and then trained on the CPU lost a core to it (the CIFAR
 * net on 2 threads ran no faster than on 1), and a training process that had finished a WebGPU
 * run kept a core busy until it exited. Upstream: dawn-gpu/node-webgpu issue 17 ("requestDevice()
 * starts a permanent ~1-core busy loop on the main thread", until device.destroy()); the `webgpu`
 * package 0.6.2 polls slowly once idle (an idle live device: 0–1 % of a core, was 27–99 % with
 * 0.3.8), so a paused WebGPU run no longer holds a core either. Destroying the device when no
 * Device uses it stays right: it also gives its memory back.
 */
import * as gpujs from 'gpu.js';

export type LostInfo = { reason?: string; message?: string };
export type SharedContext = { device: { lost: Promise<LostInfo> } };
type ContextModule = { WebGPUContext?: { acquire(): Promise<SharedContext>; destroy(): Promise<void> } };

// a bundler may put a CommonJS module's exports under `default`
const mod = gpujs as unknown as ContextModule & { default?: ContextModule };
const shared = mod.WebGPUContext ?? mod.default?.WebGPUContext;

let holders = 0;

/**
 * Hold gpu.js's shared device (acquired now if not yet; null where this gpu.js has no shared
 * context). Every hold is given back once with the returned `release`.
 */
export async function holdSharedDevice(): Promise<{ context: SharedContext | null; release(): Promise<void> }> {
  if (!shared) return { context: null, release: async () => {} };
  // counted before the await: a Device released meanwhile must not destroy the device this one is getting
  holders++;
  let context: SharedContext;
  try {
    context = await shared.acquire();
  } catch (e) {
    holders--;
    throw e;
  }
  let held = true;
  return {
    context,
    async release() {
      if (!held) return;
      held = false;
      holders--;
      if (holders === 0) await shared.destroy();
    },
  };
}

/** Convas Devices holding the shared device now (for tests). */
export function sharedDeviceHolders(): number {
  return holders;
}
