/**
 * The contract every layer file fulfils. One `LayerSpec` per file, one line in `layers/index.ts`;
 * the shape checker, the compiler, the file loaders, the CLI and the canvas palette all read it.
 *
 * Tensors are float32, NCHW, flattened row-major; a per-sample `Shape` excludes the batch.
 * Kernels are gpu.js functions over 1-D buffers (one thread per output element), created through
 * `CompileCtx.kernel` with the layer's sizes as constants, and called during the trace of a
 * `createPipeline` plan: what flows between them are opaque device handles.
 */
import type { Shape } from '../graph/types';
import type { ParamDef } from './params';
import type { NativeOp } from './native-op';

export type Category =
  | 'Input'
  | 'Convolution'
  | 'Pooling'
  | 'Activation'
  | 'Dense'
  | 'Normalisation'
  | 'Regularisation'
  | 'Merge'
  | 'Output';

/** An opaque device buffer: a pipeline handle while tracing. Never read it in layer code. */
export type Handle = { readonly __handle: unique symbol };

export type KernelCall = (...args: (Handle | Float32Array)[]) => Handle;

/** What a gpu.js kernel function sees as `this`. Constants are numbers frozen at compile time. */
export interface KernelThis<C extends Record<string, number> = Record<string, number>> {
  thread: { x: number; y: number; z: number };
  constants: C;
}
/** What a kernel argument looks like inside the kernel body: a flat float array. */
export type KArr = { readonly [i: number]: number };

export interface CompileCtx {
  nodeId: string;
  batch: number;
  inShapes: readonly Shape[];
  outShape: Shape;
  /**
   * A kernel over `size` output elements; `fn` must be a plain `function` (gpu.js parses it).
   * `[x, y]` makes a 2-D grid whose flat order is x + X·y (the same buffer as a 1-D kernel of
   * x·y elements): only where `grid` is true. `native` says what `fn` computes as data
   * (native-op.ts): a backend with faster code for it (webasm) runs that instead.
   */
  kernel<C extends Record<string, number>>(
    fn: (this: KernelThis<C>, ...args: KArr[]) => number,
    size: number | [number, number],
    constants?: C,
    native?: NativeOp,
  ): KernelCall;
  /**
   * Whether 2-D grids pay here. On webasm, `this.thread.y` is uniform across a SIMD quad, so a
   * read indexed only by y-derived values is one load + splat instead of a 4-lane gather
   * (measured: conv forward 1.58 → 2.03 GFLOP/s single-threaded). Absent means false.
   */
  grid?: boolean;
}

export interface ForwardArgs {
  /** One per input port: [batch, ...inShape]. */
  inputs: Handle[];
  /** Trainable tensors by PyTorch name (`weight`, `bias`). */
  params: Record<string, Handle>;
  /** Non-trainable buffers (BatchNorm `running_mean`, `running_var`). */
  state: Record<string, Handle>;
  /**
   * Training only, one per `randomInputs` name: the step's 4-value counter (`stepCounter` in
   * layers/counter-random.ts). The layer's kernel draws its own uniforms from it on the device
   * (`uniformSource`, salted with `saltOf(nodeId, name)`), so draws are never uploaded.
   */
  random: Record<string, Handle>;
  training: boolean;
}

export interface ForwardResult {
  output: Handle;
  /** Intermediates that backward needs beyond the inputs and the output. */
  saved?: Record<string, Handle>;
  /** Updated state (training mode only), same names as `stateShapes`. */
  state?: Record<string, Handle>;
}

export interface BackwardArgs extends ForwardArgs {
  output: Handle;
  saved: Record<string, Handle>;
  gradOutput: Handle;
  /** Per input port: whether its gradient is needed (false for the Input node's data). */
  needInputGrad: boolean[];
}

export interface BackwardResult {
  /** Per input port, gradient w.r.t. that input, or null where not needed. */
  inputs: (Handle | null)[];
  /** Gradient per trainable tensor, same names as `paramShapes`. */
  params: Record<string, Handle>;
}

export interface LossArgs {
  input: Handle;
  output: Handle;
  /** Softmax: class index per sample [batch]; Regression: [batch, ...shape]. */
  targets: Handle;
}

export interface LossResult {
  /** [1]: the loss averaged over the batch. */
  loss: Handle;
  /** [1]: how many samples were classified correctly (classifiers only). */
  correct?: Handle;
  /** Gradient of the loss w.r.t. this layer's input. */
  gradInput: Handle;
}

export interface LayerProgram {
  forward(a: ForwardArgs): ForwardResult;
  /** Absent on output layers, whose gradient comes from `loss`. */
  backward?(a: BackwardArgs): BackwardResult;
  loss?(a: LossArgs): LossResult;
}

export interface InitContext {
  /** Uniform [0,1) from the run's seeded generator. */
  random(): number;
  /** Standard normal from the same generator. */
  normal(): number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface LayerSpec<P = any> {
  type: string;
  label: string;
  category: Category;
  description: string;
  /** How many input ports: 0 for Input, 1 for most layers, 2..∞ for merges. */
  inputs: { min: number; max: number };
  params: readonly ParamDef[];
  /** Key parameters in a few characters, for the node face: `8 × 5×5, s1`. */
  summary(p: P): string;
  /** Per-sample output shape; throws ShapeError naming the parameter and the numbers. */
  outputShape(inShapes: readonly Shape[], p: P): Shape;
  /** Trainable tensors, with PyTorch's names and layouts. */
  paramShapes?(inShapes: readonly Shape[], p: P): Record<string, number[]>;
  /** Non-trainable buffers saved with the weights. */
  stateShapes?(inShapes: readonly Shape[], p: P): Record<string, number[]>;
  /**
   * The smallest value each saved state buffer may hold, and what the buffer is (BatchNorm:
   * running_var ≥ 0, "a variance"): a weights file or checkpoint below it is refused, naming the
   * tensor and the index, instead of producing NaN outputs.
   */
  stateMinimum?: Record<string, { min: number; what: string }>;
  /** Initial value of a state buffer (e.g. running_var = 1); zeros when absent. */
  initState?(name: string, size: number): Float32Array;
  /**
   * Initial value of a trainable tensor when the layer has a fixed rule (BatchNorm weight = 1);
   * return undefined to use the run's initializer (weights) or zeros (biases).
   */
  initParam?(name: string, size: number): Float32Array | undefined;
  /** Floating-point operations per sample for the forward pass (a multiply-add counts 2). */
  flops(inShapes: readonly Shape[], outShape: Shape, p: P): number;
  /**
   * Uniform draws the layer makes in training (per batch), e.g. a dropout mask: element i of
   * draw `name` is `counterUniform(counter, saltOf(nodeId, name), i)`. Tests use the sizes to
   * compute the same draws in JavaScript for PyTorch.
   */
  randomInputs?(inShapes: readonly Shape[], p: P, batch: number): Record<string, number>;
  /**
   * Every index of this layer's kernels that can pass 2^24 is written inline (i32 in gpu.js),
   * never held in a variable (f32): its tensors may then exceed 2^24 elements on webgpu
   * (backend/limits.ts checks; EXACT_INDEX in conv-codegen.ts says why).
   */
  exactIndex?: boolean;
  /** Output layers only: what the targets look like. */
  output?: { targets: 'class' | 'same'; lossName: string };
  /**
   * The layer's PyTorch meaning where it is one call on its input: `fn` is `torch.<name>` or
   * `F.<name>` (torch.nn.functional), `args` maps keyword arguments to this layer's parameters
   * (`{ negative_slope: 'alpha' }`). The PyTorch reference of the tests reads it, so a layer
   * that has it needs no code there.
   */
  torch?: { fn: string; args?: Record<string, string> };
  compile(ctx: CompileCtx, p: P): LayerProgram;
}

export function size(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
