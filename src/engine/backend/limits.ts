/**
 * What a device can hold, checked per layer when a network compiles — before any training
 * step — so a network too big for the device gets a message naming the layer, the tensor, its
 * size and the limit, never a driver error, a hang or silently wrong numbers.
 *
 * Two limits:
 * - bytes per buffer: WebGPU's maxStorageBufferBindingSize / maxBufferSize (what the adapter
 *   reports; gpu.js asks for all of it). Every tensor is one storage buffer.
 * - exact indexing: gpu.js keeps kernel variables in f32 on webgpu and webasm, exact only up to
 *   2^24 (EXACT_INDEX in layers/conv-codegen.ts). A layer whose kernels write every index that
 *   can pass 2^24 inline (in i32) says so with `exactIndex` in its LayerSpec; on webgpu its
 *   tensors may then be as large as the buffer limit (every layer of the registry does; a new
 *   one that does not is refused past 2^24 on webgpu). webasm computes lane-varying indices in
 *   f32 whatever the source says (measured: a 4,100 × 4,096 Dense read rows 4,096–4,098 wrong),
 *   so there every tensor stays under 2^24. cpu runs plain JavaScript: exact.
 */
import type { ConcreteBackend } from './device';

export interface DeviceLimits {
  /** Largest buffer in bytes; Infinity where the backend has none worth naming. */
  maxBufferBytes: number;
  /** Where the byte limit comes from, for messages. */
  bufferLimitName: string;
}

/** 2^24: the largest integer every f32 holds exactly. */
const F32_EXACT = 1 << 24;

export class DeviceLimitError extends Error {
  constructor(
    message: string,
    readonly node: string,
  ) {
    super(message);
    this.name = 'DeviceLimitError';
  }
}

export interface LayerTensors {
  id: string;
  type: string;
  /** Every tensor the layer's kernels read or write, by name, in elements (batch included). */
  tensors: Record<string, number>;
  /** The layer's kernels index past 2^24 exactly (LayerSpec.exactIndex). */
  exactIndex: boolean;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1)} MiB`;

/** Throws DeviceLimitError for the first tensor of `layer` the device cannot hold or address. */
export function checkLayerFits(layer: LayerTensors, mode: ConcreteBackend, limits: DeviceLimits): void {
  for (const [name, elements] of Object.entries(layer.tensors)) {
    const bytes = elements * 4;
    // activations shrink with the batch; a weight only with the layer
    const smaller = /^(its input|its output|input \d)/.test(name) ? 'use a smaller batch' : 'use a smaller layer';
    if (bytes > limits.maxBufferBytes) {
      throw new DeviceLimitError(
        `layer ${layer.id} (${layer.type}): ${name} needs ${elements.toLocaleString('en-US')} float32 values (${mb(bytes)}), over this device's ${limits.bufferLimitName} of ${mb(limits.maxBufferBytes)}; ${smaller}`,
        layer.id,
      );
    }
    const indexLimit = mode === 'cpu' ? Infinity : mode === 'webgpu' && layer.exactIndex ? Infinity : F32_EXACT;
    if (elements > indexLimit) {
      const why = mode === 'webasm' ? 'webasm computes lane-varying indices in float32' : `${layer.type}'s kernels keep indices in float32 variables`;
      throw new DeviceLimitError(
        `layer ${layer.id} (${layer.type}): ${name} has ${elements.toLocaleString('en-US')} values, over the ${F32_EXACT.toLocaleString('en-US')} (2^24) a ${mode} kernel can index exactly (${why}); ${smaller}${mode === 'webasm' ? ', or the webgpu or cpu backend' : ''}`,
        layer.id,
      );
    }
  }
}

/** The tensors a layer touches at a batch size: its inputs, output, parameters and state. */
export function layerTensors(
  n: { id: string; type: string; inShapes: readonly (readonly number[])[]; outputShape: readonly number[] },
  params: Record<string, number[]>,
  state: Record<string, number[]>,
  batch: number,
  exactIndex: boolean,
): LayerTensors {
  const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const tensors: Record<string, number> = {};
  n.inShapes.forEach((s, k) => (tensors[n.inShapes.length > 1 ? `input ${k + 1} [${batch}×${s.join('×')}]` : `its input [${batch}×${s.join('×')}]`] = batch * count(s)));
  tensors[`its output [${batch}×${n.outputShape.join('×')}]`] = batch * count(n.outputShape);
  for (const [name, s] of Object.entries({ ...params, ...state })) tensors[`${name} [${s.join('×')}]`] = count(s);
  return { id: n.id, type: n.type, tensors, exactIndex };
}

/** gpu.js dispatches 1-D kernels in groups of 64 (folded into y past the limit), 2-D ones in 8 × 8. */
const GRID_GROUP = 8;

/**
 * A 2-D kernel grid whose x or y needs more workgroups than WebGPU dispatches per dimension
 * (65,535 guaranteed; `maxComputeWorkgroupsPerDimension`) would fail on its first run: refuse it
 * when it is created. 1-D kernels fold into y and reach 65,535² × 64 threads.
 */
export function checkGrid(size: number | readonly number[], maxWorkgroups: number): void {
  if (typeof size === 'number' || size.length < 2) return;
  size.forEach((extent, axis) => {
    const groups = Math.ceil(extent / GRID_GROUP);
    if (groups > maxWorkgroups) {
      throw new DeviceLimitError(`a kernel grid of ${size.join(' × ')} needs ${groups.toLocaleString('en-US')} workgroups along ${axis === 0 ? 'x' : 'y'}, over this device's maxComputeWorkgroupsPerDimension of ${maxWorkgroups.toLocaleString('en-US')}; use a smaller layer`, '');
    }
  });
}
