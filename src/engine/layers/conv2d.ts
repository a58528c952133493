/**
 * Conv2D — cross-correlation as in PyTorch: weight [out, in, kh, kw], bias [out].
 *
 * Backward follows the seed (17.3): the input gradient is the delta, padded and (for stride > 1)
 * dilated with stride−1 zeros, convolved with the 180°-rotated kernel — written here as a gather
 * per input pixel, which touches exactly the non-zero taps of that dilated delta; the weight
 * gradient is the input correlated with the delta; the bias gradient is the summed delta.
 */
import type { Padding } from './params';
import type { ForwardResult, Handle, LayerSpec } from './spec';
import { expectImage, windowGeometry } from './geometry';
import {
  convBackwardBiasSource,
  convBackwardDataSource,
  convBackwardWeightSource,
  convForwardSource,
  coveredExtent,
  cropSource,
  deltaPadding,
  needsPadding,
  padSource,
  sumSlicesSource,
  weightGradGroups,
  weightGradLanes,
  type ConvGeometry,
  type KernelSource,
} from './conv-codegen';
import { winogradFits, winogradConv, type WinogradRun } from './winograd-conv';
import { im2colConv, im2colFits } from './im2col';

export interface Conv2DParams {
  filters: number;
  kernelSize: [number, number];
  stride: [number, number];
  padding: Padding;
  useBias: boolean;
}

export const Conv2D: LayerSpec<Conv2DParams> = {
  type: 'Conv2D',
  label: 'Conv2D',
  category: 'Convolution',
  description: 'Slides learned kernels over the image (cross-correlation); one output channel per filter.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'filters', label: 'Filters', kind: 'int', min: 1, max: 65536, suggested: 8, help: 'Number of kernels = output channels.' },
    { name: 'kernelSize', label: 'Kernel', kind: 'pair', min: 1, max: 1024, suggested: [3, 3], help: 'Kernel height × width.' },
    { name: 'stride', label: 'Stride', kind: 'pair', min: 1, max: 1024, default: [1, 1], help: 'Step between windows (rows, columns).' },
    { name: 'padding', label: 'Padding', kind: 'padding', default: 'valid', help: '"valid" (none), "same" (output = ⌈input / stride⌉) or [rows, columns] of zeros on each side.' },
    { name: 'useBias', label: 'Bias', kind: 'bool', default: true, help: 'Add a learned bias per output channel.' },
  ],
  summary: (p) => `${p.filters} × ${p.kernelSize[0]}×${p.kernelSize[1]}, s${p.stride[0] === p.stride[1] ? p.stride[0] : p.stride.join('×')}${p.padding === 'same' ? ', same' : Array.isArray(p.padding) && (p.padding[0] || p.padding[1]) ? `, p${p.padding[0] === p.padding[1] ? p.padding[0] : p.padding.join('×')}` : ''}`,
  outputShape(inShapes, p) {
    const [, h, w] = expectImage(inShapes[0], 'Conv2D');
    const g = windowGeometry('kernel', h, w, p.kernelSize, p.stride, p.padding, 'kernelSize');
    return [p.filters, g.oh, g.ow];
  },
  paramShapes(inShapes, p) {
    const shapes: Record<string, number[]> = { weight: [p.filters, inShapes[0][0], p.kernelSize[0], p.kernelSize[1]] };
    if (p.useBias) shapes.bias = [p.filters];
    return shapes;
  },
  exactIndex: true,
  flops(inShapes, out, p) {
    return 2 * out[0] * out[1] * out[2] * inShapes[0][0] * p.kernelSize[0] * p.kernelSize[1] + (p.useBias ? out[0] * out[1] * out[2] : 0);
  },
  compile(ctx, p) {
    const [C, H, W] = ctx.inShapes[0];
    const win = windowGeometry('kernel', H, W, p.kernelSize, p.stride, p.padding, 'kernelSize');
    const g: ConvGeometry = {
      N: ctx.batch, C, H, W, F: p.filters, KH: p.kernelSize[0], KW: p.kernelSize[1], OH: win.oh, OW: win.ow,
      SH: p.stride[0], SW: p.stride[1], PT: win.pt, PL: win.pl,
    };
    const N = g.N;
    // webasm: its fast 2-D grid (tensors stay under 2^24 there); elsewhere exact i32 offsets, so
    // a layer's tensors may pass 2^24 (VGG-16's first activations do from batch 6)
    const addr = ctx.grid === true ? { grid: true } : { exact: true };
    const make = (k: { source: KernelSource; size: number | [number, number] }) => ctx.kernel(k.source, k.size);
    const d = deltaPadding(g);
    // On webasm every convolution whose columns stay under 2^24 values runs as im2col + native
    // GEMMs (im2col.ts; the CIFAR net's kernels 770 → 439 ms against Winograd); of the rest,
    // stride-1 2×2 to 5×5 convolutions with enough channels run as Winograd F(m×m, r×r)
    // (winograd.ts): forward, data and weight gradients; their buffers reach whole tiles.
    const useIm2col = im2colFits(g, ctx.grid);
    const wf = ctx.grid === true && !useIm2col ? winogradFits(g) : null;
    // The padded input holds every tap of every window (and every tile); valid convolutions run over it.
    const HP = Math.max(H, g.PT + H, coveredExtent(g.OH, g.SH, g.KH), wf?.forward.IH ?? 0);
    const WP = Math.max(W, g.PL + W, coveredExtent(g.OW, g.SW, g.KW), wf?.forward.IW ?? 0);
    const padded = needsPadding(g) || HP > H || WP > W;
    const HD = Math.max(d.HD, wf?.data.IH ?? 0);
    const WD = Math.max(d.WD, wf?.data.IW ?? 0);
    const pad = padded ? make(padSource(N, C, H, W, HP, WP, g.PT, g.PL, 1, 1, addr)) : null;
    const forwardRun: WinogradRun | null = wf ? winogradConv(ctx, { N, IC: C, IH: HP, IW: WP, OC: g.F, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW, wOut: C * g.KH * g.KW, wIn: g.KH * g.KW, rotated: false, bias: p.useBias }) : null;
    const ic = useIm2col ? im2colConv(ctx, g, HP, WP, d.HC, d.WC, p.useBias) : null;
    const direct = !forwardRun && !ic;
    const forward = direct ? make(convForwardSource(g, HP, WP, p.useBias, addr)) : null;
    const dilate = ic ? null : make(padSource(N, g.F, g.OH, g.OW, HD, WD, g.KH - 1, g.KW - 1, g.SH, g.SW, addr));
    const dataRun: WinogradRun | null = wf ? winogradConv(ctx, { N, IC: g.F, IH: HD, IW: WD, OC: C, OH: d.HC, OW: d.WC, KH: g.KH, KW: g.KW, wOut: g.KH * g.KW, wIn: C * g.KH * g.KW, rotated: true, bias: false }) : null;
    const backData = direct ? make(convBackwardDataSource(g, addr)) : null;
    const crop = make(cropSource(N, C, H, W, d.HC, d.WC, g.PT, g.PL, addr));
    const weightSize = g.F * C * g.KH * g.KW;
    const groups = weightGradGroups(g);
    const backWeight = direct ? make(convBackwardWeightSource(g, HP, WP, addr)) : null;
    // partial sums per batch slice; rows of taps padded to whole SIMD quads are compacted here too
    const lanes = weightGradLanes(g, addr);
    const tapsPerFilter = C * g.KH * g.KW;
    const sumGroups =
      direct && (groups > 1 || lanes !== tapsPerFilter)
        ? ctx.kernel(lanes === tapsPerFilter ? sumSlicesSource(groups, weightSize) : sumSlicesSource(groups, tapsPerFilter, g.F, lanes), weightSize)
        : null;
    const sumGroupsOf = (partial: Handle) => (sumGroups ? sumGroups(partial) : partial);
    const backBias = ctx.kernel(convBackwardBiasSource(g), g.F);
    return {
      forward: ({ inputs, params }): ForwardResult => {
        const xp = pad ? pad(inputs[0]) : inputs[0];
        if (forwardRun) {
          const r = forwardRun.run(xp, params.weight, p.useBias ? params.bias : null);
          return { output: r.output, saved: { tiles: r.tiles } };
        }
        if (ic) {
          const r = ic.forward(xp, params.weight, p.useBias ? params.bias : null);
          return { output: r.output, saved: { cols: r.cols } };
        }
        const output = p.useBias ? forward!(xp, params.weight, params.bias) : forward!(xp, params.weight);
        return { output, saved: { xp } };
      },
      backward: ({ params, saved, gradOutput, needInputGrad }) => {
        const grads: Record<string, Handle> = {
          weight: forwardRun
            ? forwardRun.weightGrad(saved.tiles, gradOutput)
            : ic
              ? ic.weightGrad(saved.cols, gradOutput)
              : sumGroupsOf(backWeight!(saved.xp, gradOutput)),
        };
        if (p.useBias) grads.bias = backBias(gradOutput);
        if (!needInputGrad[0]) return { inputs: [null], params: grads };
        if (ic) return { inputs: [crop(ic.dataGrad(gradOutput, params.weight))], params: grads };
        const dyp = dilate!(gradOutput);
        const dx = crop(dataRun ? dataRun.run(dyp, params.weight, null).output : backData!(dyp, params.weight));
        return { inputs: [dx], params: grads };
      },
    };
  },
};
