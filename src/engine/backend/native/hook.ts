/**
 * Native kernels inside gpu.js's webasm plans.
 *
 * gpu.js builds one WebAssembly module per plan step with `WebAssemblyKernel._assembleModule(layout,
 * cells, shared)`: the module imports the plan's one memory and exports `run(start, end, seed)`,
 * which computes output cells [start, end) from arguments at the byte offsets in `layout`; the
 * fused executor calls `run` (and `run_simd` where exported) on the main thread or on each worker
 * for its range. A kernel registered here keeps everything of that contract but the module: the
 * hook returns a module with the same memory import whose `run` is the native code for the
 * kernel's `NativeOp` (gemm-module.ts). The kernel's own source is what cpu and webgpu run and
 * what the native code is tested against.
 *
 * Kernels are found by their source text and output grid, which pipeline clones keep (gpu.js
 * re-creates plan kernels from `kernel.source` and the output); generated sources bake every other
 * size in, so one source over one grid means one operation. `_assembleModule` is gpu.js 2.24's internal method: package.json pins that version
 * and tests/integration/native-kernels.test.ts fails if the hook stops being called.
 */
import { WebAssemblyKernel } from 'gpu.js';
import { nativeRows, type NativeOp } from '../../layers/native-op';
import { nativeModule } from './native-module';

interface Assembled {
  bytes: Uint8Array;
  initial: number;
  maximum: number;
}
interface WasmLayout {
  arrays: Record<string, { offset: number }>;
  outputOffset: number;
}
interface KernelInternals {
  source: unknown;
  output: number[];
  argumentNames: string[];
  _assembleModule(layout: WasmLayout, cells: number, shared: boolean): Assembled;
}

const registry = new Map<string, NativeOp>();
/**
 * Most kernels remembered: canvas previews recompile at every edit, so the registry would grow for
 * as long as the app runs. A kernel forgotten before gpu.js assembles it again (a plan's first
 * call, or a recompile) runs gpu.js's own module: slower, never wrong. Oldest registered go first.
 */
export const REGISTRY_LIMIT = 2048;
/** Kernels registered now (tests: the registry stays bounded). */
export function registeredNativeKernels(): number {
  return registry.size;
}

/** How many modules the hook has replaced (tests read it to see the native code ran). */
export const nativeStats = { modules: 0 };
/**
 * Measurements and tests only (`npm run bench:kernels -- --no-native`): build gpu.js's own
 * modules for kernels compiled while this is false.
 */
export const nativeKernels = { enabled: true };

function sameOp(a: NativeOp, b: NativeOp): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A kernel's identity: its source and its grid (two Dense layers may share a source, not a grid). */
function keyOf(source: string, grid: ArrayLike<number>): string {
  const dims = Array.from(grid);
  while (dims.length > 1 && dims[dims.length - 1] === 1) dims.pop();
  return `${dims.join('×')}@${source}`;
}

/** Run `op` in place of the webasm module of every kernel whose source is `source` over `grid`. */
export function registerNative(source: string, grid: ArrayLike<number>, op: NativeOp): void {
  const key = keyOf(source, grid);
  const known = registry.get(key);
  if (known && !sameOp(known, op)) throw new Error('native kernel: one kernel source registered with two different operations');
  registry.delete(key);
  registry.set(key, op);
  while (registry.size > REGISTRY_LIMIT) registry.delete(registry.keys().next().value!);
  install();
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  const proto = (WebAssemblyKernel as unknown as { prototype: KernelInternals }).prototype;
  const original = proto._assembleModule;
  if (typeof original !== 'function') throw new Error('native kernels: this gpu.js has no WebAssemblyKernel._assembleModule (the pinned 2.24.1 has)');
  proto._assembleModule = function (this: KernelInternals, layout, cells, shared) {
    const assembled = original.call(this, layout, cells, shared);
    const op = registry.get(keyOf(String(this.source), this.output));
    if (!op || !nativeKernels.enabled) return assembled;
    const [x, y = 1, z = 1] = this.output;
    if (x !== op.J || y * z !== nativeRows(op)) {
      throw new Error(`native kernel: grid ${this.output.join('×')} is not the operation's ${op.J}×${nativeRows(op)}`);
    }
    const args = this.argumentNames.map((name) => {
      const at = layout.arrays[name];
      if (!at) throw new Error(`native kernel: argument "${name}" is not an array in this plan`);
      return at.offset;
    });
    const bytes = nativeModule(op, { args, output: layout.outputOffset, memory: { initial: assembled.initial, maximum: assembled.maximum, shared } });
    nativeStats.modules++;
    return { ...assembled, bytes };
  };
}
