/**
 * Node-only: give gpu.js a WebGPU implementation (Dawn, from the `webgpu` package) before a
 * device is created. Imported by the worker, the CLI, the bench and the tests — never by code
 * that also runs in a browser.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createDevice, type BackendName, type Device } from './device';

/** Chromium's software Vulkan driver (Debian's `chromium` package ships it). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** System Vulkan drivers that never serve Dawn well: Mesa's lavapipe (Dawn rejects it, noisily). */
const SOFTWARE_ICD = /lvp_icd|lavapipe|swiftshader/i;

/**
 * The Vulkan driver manifests the loader would find by itself (Linux search order:
 * $XDG_CONFIG_DIRS, /etc, $XDG_DATA_HOME, $XDG_DATA_DIRS, each + /vulkan/icd.d).
 */
export function systemVulkanDrivers(env: Record<string, string | undefined> = process.env): string[] {
  const dirs = [
    ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'),
    '/etc',
    env.XDG_DATA_HOME || (env.HOME ? join(env.HOME, '.local/share') : ''),
    ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':'),
  ].filter(Boolean);
  const files: string[] = [];
  for (const d of dirs) {
    const icd = join(d, 'vulkan/icd.d');
    try {
      for (const f of readdirSync(icd).sort()) if (f.endsWith('.json')) files.push(join(icd, f));
    } catch {
      // no such directory
    }
  }
  return files;
}

/**
 * Which Vulkan drivers Dawn may see, as the loader's `VK_ICD_FILENAMES`, decided before Dawn
 * starts. `CONVAS_WEBGPU_ADAPTER`:
 * - unset / `auto`: the system's hardware drivers (NVIDIA, AMD, Intel …) first, then SwiftShader,
 *   so `--backend webgpu` still works on a machine without a GPU. Adapters are requested
 *   high-performance, Dawn ranks a CPU adapter after any hardware one, and `auto` refuses a
 *   software adapter (device.ts) — so a real GPU is never passed over for SwiftShader.
 * - `software`: SwiftShader only, e.g. to test the WGSL path in CI on a machine with a GPU.
 * - `hardware`: the system's hardware drivers only.
 * Mesa's lavapipe is left out in every case: Dawn rejects it (with a warning on stderr).
 * A user who set `VK_ICD_FILENAMES` / `VK_DRIVER_FILES` chose already: nothing changes.
 * Returns the variables to set and a line saying what was decided.
 */
export function vulkanDriverEnv(env: Record<string, string | undefined>, swiftshader: string | null, system: string[]): { set: Record<string, string>; note: string } {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return { set: {}, note: `Vulkan drivers as configured (${env.VK_ICD_FILENAMES ?? env.VK_DRIVER_FILES})` };
  const wanted = (env.CONVAS_WEBGPU_ADAPTER || 'auto').toLowerCase();
  if (wanted !== 'auto' && wanted !== 'software' && wanted !== 'hardware') {
    throw new Error(`CONVAS_WEBGPU_ADAPTER must be auto, hardware or software, got "${env.CONVAS_WEBGPU_ADAPTER}"`);
  }
  if (wanted === 'software' && !swiftshader) {
    throw new Error(`CONVAS_WEBGPU_ADAPTER=software needs SwiftShader's Vulkan driver at ${SWIFTSHADER_ICD} (Debian/Ubuntu: apt-get install chromium)`);
  }
  const hardware = system.filter((f) => !SOFTWARE_ICD.test(f));
  const files = wanted === 'software' ? [swiftshader!] : wanted === 'hardware' || !swiftshader ? hardware : [...hardware, swiftshader];
  const note =
    wanted === 'software' ? 'SwiftShader only (CONVAS_WEBGPU_ADAPTER=software)'
    : `${hardware.length ? `installed Vulkan drivers (${hardware.map((f) => f.split('/').pop()).join(', ')})` : 'no installed Vulkan driver'}${wanted === 'auto' && swiftshader ? ', then SwiftShader' : ''}`;
  return { set: files.length ? { VK_ICD_FILENAMES: files.join(':') } : {}, note };
}

type NodeGpu = { requestAdapter(options?: Record<string, unknown>): Promise<unknown> };

/** Ask for the high-performance adapter unless told otherwise (gpu.js calls requestAdapter() bare). */
function preferHighPerformance(gpu: NodeGpu): NodeGpu {
  const request = gpu.requestAdapter.bind(gpu);
  const wrapped = (options?: Record<string, unknown>) => request({ powerPreference: 'high-performance', ...options });
  try {
    Object.defineProperty(gpu, 'requestAdapter', { value: wrapped, configurable: true });
    if (gpu.requestAdapter === wrapped) return gpu;
  } catch {
    // a native object that refuses new properties: wrap it instead
  }
  return new Proxy(gpu, { get: (t, k) => (k === 'requestAdapter' ? wrapped : Reflect.get(t, k)) });
}

let installed: boolean | null = null;
let driverNote = '';

/** Install `navigator.gpu` from Dawn; false (with no throw) where the addon cannot load. */
export function installNodeWebGPU(): boolean {
  if (installed !== null) return installed;
  const choice = vulkanDriverEnv(process.env, existsSync(SWIFTSHADER_ICD) ? SWIFTSHADER_ICD : null, systemVulkanDrivers());
  Object.assign(process.env, choice.set);
  driverNote = choice.note;
  try {
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    const req = createRequire(import.meta.url);
    const { create, globals } = req('webgpu') as { create(flags: string[]): NodeGpu; globals: Record<string, unknown> };
    Object.assign(globalThis, globals);
    const gpu = preferHighPerformance(create([]));
    const g = globalThis as { navigator?: Record<string, unknown> };
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else g.navigator = { gpu };
    installed = true;
  } catch {
    installed = false;
  }
  return installed;
}

/** What installNodeWebGPU decided about Vulkan drivers (empty before it ran). */
export function vulkanDriverNote(): string {
  return driverNote;
}

export async function createNodeDevice(backend: BackendName = 'auto'): Promise<Device> {
  if (backend === 'webgpu' || backend === 'auto') installNodeWebGPU();
  return createDevice(backend);
}
