/**
 * GlobalAvgPool — the mean of each channel over the whole image: C×H×W → [C]. Often replaces
 * Flatten + Dense at the end of a network. Backward spreads dY[c] / (H·W) over the channel.
 */
import type { LayerSpec } from './spec';
import { expectImage } from './geometry';
import { build, elementwise, type Addressing, type GeneratedKernel, type KernelSource } from './conv-codegen';
import { blockedSum } from './block-sum';

/**
 * One thread per (sample, channel) plane, summing its H·W values; the offset from the thread id,
 * the loop counters and literals, inline (i32 in gpu.js): exact past 2^24 (EXACT_INDEX). The
 * values go in blocks (blockedSum): one f32 running sum over a 513×513 plane of values ~500 was
 * 2.2e-4 off on webasm.
 */
function forwardSource(HW: number): KernelSource {
  const L = blockedSum('s', HW, `this.thread.x * ${HW}`, (at, acc) => [`${acc} += x[${at}];`]);
  return build(['x'], [...L, `return s / ${HW};`]);
}

/**
 * dX[n,c,p] = dY[n,c] / (H·W) (generated: exact plane decode). On webasm's grid the plane is in y;
 * with exact addressing (elsewhere) a plane too wide for one dispatch row spreads its rows over y.
 */
function backwardSource(a: Addressing, planes: number, H: number, W: number): GeneratedKernel {
  const inner: [string, number][] = a.exact ? [['w', W], ['h', H]] : [['p', H * W]];
  return elementwise(a.grid === true, inner, [['plane', planes]], ['dy'], [`return dy[plane] / ${H * W};`], a);
}

export const GlobalAvgPool: LayerSpec<Record<string, never>> = {
  type: 'GlobalAvgPool',
  label: 'GlobalAvgPool',
  category: 'Pooling',
  description: 'Averages each channel over the whole image: C×H×W becomes a vector of C.',
  inputs: { min: 1, max: 1 },
  params: [],
  summary: () => '',
  outputShape(inShapes) {
    const [c] = expectImage(inShapes[0], 'GlobalAvgPool');
    return [c];
  },
  // one add per input value
  flops: (inShapes) => inShapes[0][0] * inShapes[0][1] * inShapes[0][2],
  exactIndex: true,
  compile(ctx) {
    const [C, H, W] = ctx.inShapes[0];
    const forward = ctx.kernel(forwardSource(H * W), ctx.batch * C);
    // webasm: its fast grid (tensors under 2^24 there); elsewhere exact addressing (exactIndex)
    const b = backwardSource(ctx.grid === true ? { grid: true } : { exact: true }, ctx.batch * C, H, W);
    const backward = ctx.kernel(b.source, b.size);
    return {
      forward: ({ inputs }) => ({ output: forward(inputs[0]) }),
      backward: ({ gradOutput, needInputGrad }) => ({ inputs: [needInputGrad[0] ? backward(gradOutput) : null], params: {} }),
    };
  },
};
