/**
 * A WebGPU device lost under a run (driver reset or crash, GPU removed, `device.destroy()`).
 * gpu.js rejects the next call of a plan built on the lost device, but a plan built after the
 * loss quietly gets a fresh device — so a run would go on for a while and fail later, at
 * whichever plan happened to be older. A Convas Device is one GPUDevice: once that is lost,
 * every plan of it refuses (device.ts), and the run ends at once, keeping its last checkpoint.
 */
import type { SharedContext } from './shared-webgpu';

export class DeviceLostError extends Error {
  constructor(adapter: string | null, reason: string, detail: string) {
    super(
      `the WebGPU device (${adapter ?? 'unknown adapter'}) was lost (${reason}${detail ? `: ${detail}` : ''}): nothing more can run on it — ` +
        'the GPU driver may have reset or crashed, or the GPU was removed or ran out of memory; start again (or resume) to get a fresh device.',
    );
    this.name = 'DeviceLostError';
  }
}

/** Error messages gpu.js gives for a plan on a device already lost. */
const GPUJS_LOST = /device (was|is) lost/i;

/**
 * Watch the GPUDevice gpu.js shares between every kernel (shared-webgpu.ts; null where there is
 * none): returns the error to throw once it is lost, null while it is fine.
 */
export function watchDeviceLoss(context: SharedContext | null, adapter: string | null): (cause?: unknown) => DeviceLostError | null {
  let lost: DeviceLostError | null = null;
  if (context) {
    void context.device.lost.then((info) => {
      lost = new DeviceLostError(adapter, info.reason ?? 'unknown reason', info.message ?? '');
    });
  }
  return (cause) => {
    if (lost) return lost;
    // gpu.js saw the loss first (its own handler ran before ours)
    if (cause instanceof Error && GPUJS_LOST.test(cause.message)) return new DeviceLostError(adapter, 'reported by gpu.js', cause.message);
    return null;
  };
}
