/**
 * MaxPool2D — the largest value in each window, per channel. Padded cells are skipped, so they
 * never win. Forward finds the argmax once (first maximum in window order, as PyTorch does on
 * ties) and saves it; the output gathers through it, and backward routes each output's
 * gradient to its argmax only (seed 17.2: the other cells of the window get zero).
 *
 * The kernels are generated (pool-window.ts over conv-codegen.ts): sizes as literals, exact
 * index decodes (webgpu's f32 division put 189 / 189 at 0 on SwiftShader), 2-D grids on webasm.
 */
import { GraphError } from '../graph/errors';
import type { LayerSpec } from './spec';
import { EXACT_INDEX } from './conv-codegen';
import { POOL_PARAMS, poolBackwardSource, poolConsts, poolForwardSource, poolGatherSource, poolGeometry, poolMaxOp, poolSummary, type PoolParams } from './pool-window';
import type { GeneratedKernel } from './conv-codegen';
import type { PoolMaxOp } from './native-op';

export const MaxPool2D: LayerSpec<PoolParams> = {
  type: 'MaxPool2D',
  label: 'MaxPool2D',
  category: 'Pooling',
  description: 'Keeps the largest value of each window, per channel: halves the image at pool 2×2.',
  inputs: { min: 1, max: 1 },
  params: POOL_PARAMS,
  summary: poolSummary,
  outputShape(inShapes, p) {
    const g = poolGeometry('MaxPool2D', inShapes[0], p);
    return [g.C, g.oh, g.ow];
  },
  // one comparison per window cell
  flops: (_in, out, p) => out[0] * out[1] * out[2] * p.poolSize[0] * p.poolSize[1],
  exactIndex: true,
  compile(ctx, p) {
    const k = poolConsts(ctx.inShapes[0], p, 'MaxPool2D');
    if (k.H * k.W > EXACT_INDEX) {
      // the saved argmax is a position inside its plane, held in f32
      throw new GraphError(`MaxPool2D needs each plane under ${EXACT_INDEX.toLocaleString('en-US')} pixels (2^24, exact in float32), got ${k.H}×${k.W}`, ctx.nodeId);
    }
    const planes = ctx.batch * k.C;
    // webasm: its fast grid; elsewhere exact i32 offsets (tensors past 2^24)
    const addr = ctx.grid === true ? { grid: true } : { exact: true };
    // webasm runs native scalar code for the three (native-op.ts `pool-max`)
    const make = (kernel: GeneratedKernel, phase: PoolMaxOp['phase']) => ctx.kernel(kernel.source, kernel.size, undefined, poolMaxOp(k, kernel.size, phase));
    const argmax = make(poolForwardSource(k, planes, 'argmax', addr), 'argmax');
    const gather = make(poolGatherSource(k, planes, addr), 'gather');
    const backward = make(poolBackwardSource(k, planes, 'max', addr), 'backward');
    return {
      forward: ({ inputs }) => {
        const arg = argmax(inputs[0]);
        return { output: gather(inputs[0], arg), saved: { argmax: arg } };
      },
      backward: ({ saved, gradOutput, needInputGrad }) => ({
        inputs: [needInputGrad[0] ? backward(gradOutput, saved.argmax) : null],
        params: {},
      }),
    };
  },
};
