/**
 * One small factory for elementwise activations (ReLU, LeakyReLU, Sigmoid, Tanh, ELU): the
 * output has the input's shape, one kernel thread per element each way, and the gradient is a
 * function of the saved input or output and the incoming gradient. A layer file keeps its two
 * kernels (gpu.js parses them from source, so they stay plain module-level functions) and its
 * facts; the factory writes the LayerSpec around them. Kernels read `x[this.thread.x]` inline,
 * never through a `const` (gpu.js makes that f32, inexact past 2^24: see EXACT_INDEX).
 */
import type { ParamDef } from './params';
import type { KArr, KernelThis, LayerSpec } from './spec';
import { size } from './spec';

type Consts = Record<string, number>;

export interface ActivationDef<P, C extends Consts> {
  type: string;
  label: string;
  description: string;
  params?: readonly ParamDef[];
  summary?: (p: P) => string;
  /** Floating-point operations per element, forward. */
  flopsPerElement: number;
  /** y from x, one element per thread. */
  forward: (this: KernelThis<C>, x: KArr) => number;
  /** dx from the saved tensor (`gradFrom`) and dy, one element per thread. */
  backward: (this: KernelThis<C>, saved: KArr, dy: KArr) => number;
  /** Which tensor the backward kernel reads: the layer's input or its output. */
  gradFrom: 'input' | 'output';
  /** The kernels' constants from the parameters (the parameters are numbers). */
  constants?: (p: P) => C;
  torch: NonNullable<LayerSpec['torch']>;
}

export function activation<P = Record<string, never>, C extends Consts = Consts>(d: ActivationDef<P, C>): LayerSpec<P> {
  return {
    type: d.type,
    label: d.label,
    category: 'Activation',
    description: d.description,
    inputs: { min: 1, max: 1 },
    params: d.params ?? [],
    summary: d.summary ?? (() => ''),
    outputShape: (inShapes) => inShapes[0],
    flops: (_in, out) => d.flopsPerElement * size(out),
    torch: d.torch,
    // the kernels index with `this.thread.x` inline (never a `const`: f32), exact past 2^24
    exactIndex: true,
    compile(ctx, p) {
      const n = ctx.batch * size(ctx.outShape);
      const k = d.constants?.(p);
      const fwd = ctx.kernel(d.forward, n, k);
      const bwd = ctx.kernel(d.backward, n, k);
      return {
        forward: ({ inputs }) => ({ output: fwd(inputs[0]) }),
        backward: ({ inputs, output, gradOutput }) => ({ inputs: [bwd(d.gradFrom === 'input' ? inputs[0] : output, gradOutput)], params: {} }),
      };
    },
  };
}
