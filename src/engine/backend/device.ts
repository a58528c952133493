/**
 * The gpu.js device: which mode runs, kernel creation, and whole-step plans (`createPipeline`).
 * A silent fall back to another mode is an error here, never a surprise in a benchmark.
 */
import { GPU } from 'gpu.js';
import type { KArr, KernelCall, KernelThis } from '../layers/spec';
import { checkGrid, type DeviceLimits } from './limits';
import { watchDeviceLoss } from './device-lost';
import { holdSharedDevice } from './shared-webgpu';
import { registerNative } from './native/hook';
import type { NativeOp } from '../layers/native-op';

import type { BackendName, ConcreteBackend } from '../io/settings';

export { BACKENDS, type BackendName, type ConcreteBackend } from '../io/settings';

export interface PlanRun {
  (...args: Float32Array[]): Promise<Float32Array[]>;
  /** The mode whose kernels actually executed, after the first call. */
  readonly backend: string;
  readonly executorKind: string;
  destroy(): void;
}

export interface Device {
  readonly requested: BackendName;
  readonly mode: ConcreteBackend;
  /** e.g. "SwiftShader (software Vulkan)" when known. */
  readonly adapter: string | null;
  /** What one buffer may hold here (see limits.ts). */
  readonly limits: DeviceLimits;
  kernel<C extends Record<string, number>>(fn: (this: KernelThis<C>, ...args: KArr[]) => number, size: number | [number, number], constants?: C, native?: NativeOp): KernelCall;
  /** Whether 2-D kernel grids are used (see CompileCtx.grid): webasm only. */
  readonly grid: boolean;
  /** Compile a traced plan: `body` receives one handle per argument and returns an array of handles. */
  plan(arity: number, body: (...args: unknown[]) => unknown[], options?: { threads?: boolean }): PlanRun;
  destroy(): void;
}

export class BackendUnavailableError extends Error {
  constructor(backend: string, reason: string) {
    super(`backend ${backend} is not available here: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** gpu.js reads the orchestration function's declared parameter count; give it exactly `n`. */
function withArity<F extends (...args: unknown[]) => unknown>(n: number, impl: F): F {
  const names = Array.from({ length: n }, (_, i) => `a${i}`).join(',');
  return new Function('impl', `return function (${names}) { return impl.apply(this, arguments); }`)(impl) as F;
}

export interface GpuEnvironment {
  /** Whether an adapter answers, and what it is (Node installs navigator.gpu before this). */
  webgpuAdapter(): Promise<{ ok: boolean; name: string | null; software: boolean; limits?: AdapterLimits }>;
  webgl2(): boolean;
  /** The WebGL2 renderer's name where it can be read (null where unknown). */
  webgl2Renderer(): string | null;
}

/** The adapter limits Convas checks against (gpu.js requests the adapter's maxima for the first two). */
export interface AdapterLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension?: number;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

/** What a GPUAdapterInfo says (every field optional: browsers may blank them). */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/**
 * The adapter as people say it — vendor, architecture, device, description, repeats dropped
 * (e.g. "nvidia hopper NVIDIA H200", "google swiftshader SwiftShader driver 5.0.0") — and
 * whether it is software (a fallback adapter, or a known software renderer's name).
 */
export function describeAdapter(info: AdapterInfo): { name: string; software: boolean } {
  const parts: string[] = [];
  for (const p of [info.vendor, info.architecture, info.device, info.description]) {
    const t = p?.trim();
    if (t && !parts.some((q) => q.toLowerCase().includes(t.toLowerCase()) || t.toLowerCase().startsWith(q.toLowerCase() + '-'))) parts.push(t);
  }
  const name = parts.join(' ') || 'unknown adapter';
  return { name, software: info.isFallbackAdapter === true || SOFTWARE_RENDERER.test(name) };
}

const defaultEnvironment: GpuEnvironment = {
  async webgpuAdapter() {
    const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(o?: object): Promise<unknown> } } }).navigator;
    if (!nav?.gpu) return { ok: false, name: null, software: false };
    try {
      // the adapter gpu.js will get too (it asks for the default one; Node asks high-performance)
      const adapter = (await nav.gpu.requestAdapter()) as { info?: AdapterInfo; limits?: AdapterLimits } | null;
      if (!adapter) return { ok: false, name: null, software: false };
      const l = adapter.limits;
      const limits = l ? { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize, maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension } : undefined;
      return { ok: true, ...describeAdapter(adapter.info ?? {}), limits };
    } catch {
      return { ok: false, name: null, software: false };
    }
  },
  webgl2() {
    return GPU.isWebGL2Supported;
  },
  webgl2Renderer() {
    // OffscreenCanvas exists in pages and workers alike; the debug extension names the renderer.
    const Offscreen = (globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown } }).OffscreenCanvas;
    if (!Offscreen) return null;
    try {
      const gl = new Offscreen(1, 1).getContext('webgl2') as { getExtension(n: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter(p: number): unknown } | null;
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      const name = ext ? gl!.getParameter(ext.UNMASKED_RENDERER_WEBGL) : null;
      return typeof name === 'string' ? name : null;
    } catch {
      return null;
    }
  },
};

/**
 * Pick the mode for `requested`. `auto` prefers a hardware WebGPU adapter, then hardware WebGL2,
 * then WebAssembly: a software adapter or renderer (SwiftShader, llvmpipe) runs the same math
 * on the CPU several times slower than WebAssembly does (measured here: 45–60 vs 250–370
 * samples/s on the seed's MNIST CNN in a browser worker).
 */
export async function resolveBackend(
  requested: BackendName,
  env: GpuEnvironment = defaultEnvironment,
): Promise<{ mode: ConcreteBackend; adapter: string | null; limits?: AdapterLimits }> {
  if (requested === 'cpu') return { mode: 'cpu', adapter: null };
  if (requested === 'webasm') {
    if (!GPU.isWebAssemblySupported) throw new BackendUnavailableError('webasm', 'WebAssembly is not supported');
    return { mode: 'webasm', adapter: null };
  }
  if (requested === 'webgl2') {
    if (!env.webgl2()) throw new BackendUnavailableError('webgl2', 'no WebGL2 context');
    return { mode: 'webgl2', adapter: null };
  }
  const gpuInfo = await env.webgpuAdapter();
  if (requested === 'webgpu') {
    if (!gpuInfo.ok) throw new BackendUnavailableError('webgpu', 'no WebGPU adapter answered');
    return { mode: 'webgpu', adapter: gpuInfo.name, ...(gpuInfo.limits ? { limits: gpuInfo.limits } : {}) };
  }
  if (gpuInfo.ok && !gpuInfo.software) return { mode: 'webgpu', adapter: gpuInfo.name, ...(gpuInfo.limits ? { limits: gpuInfo.limits } : {}) };
  if (env.webgl2()) {
    const renderer = env.webgl2Renderer();
    if (!renderer || !SOFTWARE_RENDERER.test(renderer) || !GPU.isWebAssemblySupported) return { mode: 'webgl2', adapter: renderer };
  }
  if (GPU.isWebAssemblySupported) return { mode: 'webasm', adapter: null };
  return { mode: 'cpu', adapter: null };
}

/**
 * gpu.js's cpu mode hands a 2-D kernel's result to the next kernel as rows, where a 1-D reader
 * sees NaN: there a grid [X, Y] runs as a 1-D kernel over the same flat order (x + X·y), with x
 * and y derived from the flat index (plain JavaScript numbers: exact).
 */
function flattenGrid<F extends (...args: never[]) => unknown>(fn: F, X: number): F {
  const source = fn
    .toString()
    .replace(/this\.thread\.y/g, '__grid_y__')
    .replace(/this\.thread\.x/g, `(this.thread.x % ${X})`)
    .replace(/__grid_y__/g, `Math.floor(this.thread.x / ${X})`);
  return new Function(`return (${source});`)() as F;
}

function joinRows(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

export async function createDevice(requested: BackendName = 'auto', env?: GpuEnvironment): Promise<Device> {
  const { mode, adapter, limits: adapterLimits } = await resolveBackend(requested, env);
  const limits: DeviceLimits = adapterLimits
    ? {
        maxBufferBytes: Math.min(adapterLimits.maxStorageBufferBindingSize, adapterLimits.maxBufferSize),
        bufferLimitName: adapterLimits.maxStorageBufferBindingSize <= adapterLimits.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize',
      }
    : { maxBufferBytes: Infinity, bufferLimitName: 'buffer limit' };
  // WebGPU guarantees 65,535 workgroups per dimension
  const maxWorkgroups = adapterLimits?.maxComputeWorkgroupsPerDimension ?? 65535;
  const gpu = new GPU({ mode });
  const plans: PlanRun[] = [];
  let destroyed = false;
  const alive = (what: string) => {
    if (destroyed) throw new Error(`${what} on a destroyed ${mode} Device: make a new one`);
  };
  // the GPUDevice gpu.js shares, held until destroy() (the last holder destroys it: shared-webgpu.ts);
  // once it is lost every plan refuses, fresh device or not (device-lost.ts)
  const hold = mode === 'webgpu' ? await holdSharedDevice() : null;
  const lostError: (cause?: unknown) => Error | null = hold ? watchDeviceLoss(hold.context, adapter) : () => null;
  return {
    requested,
    mode,
    adapter,
    limits,
    grid: mode === 'webasm',
    kernel(fn, size, constants, native) {
      alive('kernel()');
      let dims = typeof size === 'number' ? [size] : size;
      if (!dims.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`kernel output size must be positive integers, got ${dims.join('×')}`);
      // webasm runs hand-scheduled SIMD for what `native` describes (native/hook.ts)
      if (native && mode === 'webasm') registerNative(String(fn), dims, native);
      if (mode === 'webgpu') checkGrid(dims, maxWorkgroups);
      if (mode === 'cpu' && dims.length === 2) {
        fn = flattenGrid(fn, dims[0]);
        dims = [dims[0] * dims[1]];
      }
      const k = gpu.createKernel(fn as never, {
        output: dims,
        constants: constants ?? {},
        tactic: 'precision',
        precision: 'single',
      } as never);
      return k as unknown as KernelCall;
    },
    plan(arity, body, options = {}) {
      alive('plan()');
      const pipeline = gpu.createPipeline(withArity(arity, body) as never, options as never) as unknown as {
        (...a: Float32Array[]): Promise<unknown>;
        backend: string;
        executorKind: string;
        fallbackReason: string | null;
        destroy(): void;
      };
      const run = (async (...args: Float32Array[]) => {
        let out: unknown;
        alive('a plan call');
        try {
          const before = lostError();
          if (before) throw before;
          out = await pipeline(...args);
        } catch (e) {
          throw lostError(e) ?? e;
        }
        // lost while this call ran: its results may be from dead buffers
        const after = lostError();
        if (after) throw after;
        // gpu.js reports every GL kernel's mode as 'gpu' (its GLKernel.mode), WebGL2 included
        if ((pipeline.backend === 'gpu' && mode === 'webgl2' ? 'webgl2' : pipeline.backend) !== mode) {
          throw new Error(`gpu.js ran this plan on ${pipeline.backend}, not ${mode}: ${pipeline.fallbackReason ?? 'no reason given'}`);
        }
        // a 2-D kernel's result comes back as rows: join them into the flat buffer it is
        return (out as (Float32Array | Float32Array[])[]).map((r) => (Array.isArray(r) ? joinRows(r) : r));
      }) as PlanRun;
      Object.defineProperty(run, 'backend', { get: () => pipeline.backend });
      Object.defineProperty(run, 'executorKind', { get: () => pipeline.executorKind });
      (run as { destroy: () => void }).destroy = () => pipeline.destroy();
      plans.push(run);
      return run;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const p of plans) p.destroy();
      gpu.destroy();
      void hold?.release();
    },
  };
}
