/**
 * GlobalAvgPool — the mean of each channel over the whole image: C×H×W → [C]. Often replaces
 * Flatten + Dense at the end of a network. Backward spreads dY[c] / (H·W) over the channel.
 */
import type { KArr, KernelThis, LayerSpec } from './spec';
import { expectImage } from './geometry';
import { elementwise, type GeneratedKernel } from './conv-codegen';

type GapConsts = { HW: number };

/** One thread per (sample, channel) plane. */
function globalAvgForward(this: KernelThis<GapConsts>, x: KArr): number {
  const base = this.thread.x * this.constants.HW;
  let s = 0;
  for (let j = 0; j < this.constants.HW; j++) {
    s += x[base + j];
  }
  return s / this.constants.HW;
}

/** dX[n,c,p] = dY[n,c] / (H·W) (generated: exact plane decode). */
function backwardSource(grid: boolean, planes: number, HW: number): GeneratedKernel {
  return elementwise(grid, [['p', HW]], [['plane', planes]], ['dy'], [`return dy[plane] / ${HW};`]);
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
  compile(ctx) {
    const [C, H, W] = ctx.inShapes[0];
    const k: GapConsts = { HW: H * W };
    const forward = ctx.kernel(globalAvgForward, ctx.batch * C, k);
    const b = backwardSource(ctx.grid === true, ctx.batch * C, H * W);
    const backward = ctx.kernel(b.source, b.size);
    return {
      forward: ({ inputs }) => ({ output: forward(inputs[0]) }),
      backward: ({ gradOutput, needInputGrad }) => ({ inputs: [needInputGrad[0] ? backward(gradOutput) : null], params: {} }),
    };
  },
};
