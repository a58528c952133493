/**
 * Node-only: give gpu.js a WebGPU implementation (Dawn, from the `webgpu` package) before a
 * device is created. Imported by the worker, the CLI, the bench and the tests — never by code
 * that also runs in a browser.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createDevice, type BackendName, type Device } from './device';

let installed: boolean | null = null;

/** Install `navigator.gpu` from Dawn; false (with no throw) where the addon cannot load. */
export function installNodeWebGPU(): boolean {
  if (installed !== null) return installed;
  try {
    // Where no Vulkan driver is configured, point Dawn at Chromium's SwiftShader if present.
    if (!process.env.VK_ICD_FILENAMES) {
      const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
      if (existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
    }
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    const req = createRequire(import.meta.url);
    const { create, globals } = req('webgpu') as { create(flags: string[]): unknown; globals: Record<string, unknown> };
    Object.assign(globalThis, globals);
    const g = globalThis as { navigator?: Record<string, unknown> };
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: create([]), configurable: true });
    else g.navigator = { gpu: create([]) };
    installed = true;
  } catch {
    installed = false;
  }
  return installed;
}

export async function createNodeDevice(backend: BackendName = 'auto'): Promise<Device> {
  if (backend === 'webgpu' || backend === 'auto') installNodeWebGPU();
  return createDevice(backend);
}
