/**
 * When a Conv2D runs as Winograd F(m×m, r×r) (winograd.ts), and its kernels as calls.
 *
 * Only on webasm (the caller asks where `ctx.grid` is true): there every multiply-add is a gather
 * and fewer of them is faster. Measured, single-threaded, a whole layer (forward, input and
 * weight gradients) against the direct kernels, interleaved: the CIFAR net's 3×3 layers at batch
 * 32 1.86–2.12×, 64 channels at 56×56 2.67×, 16 channels 1.15×. On a GPU the direct kernels are
 * the better trade (no transform passes).
 */
import { EXACT_INDEX, type ConvGeometry } from './conv-codegen';
import type { CompileCtx, Handle, KernelCall } from './spec';
import type { NativeOp } from './native-op';
import { padSource } from './conv-codegen';
import { inputExtent, tileFor, winogradKernels, winogradWeightGradKernels, type WinogradConv } from './winograd';

/**
 * Fewest input and output channels for which the transforms pay: the input transform costs about
 * 4 gathers per transformed value and the GEMM does one multiply-add per output channel for each,
 * so with few channels the transforms dominate (measured, whole layer: 16 → 16 channels 1.15×
 * faster as Winograd; the MNIST CNN's 8 → 16 channels 5×5 layer slower).
 */
export const WINOGRAD_MIN_CHANNELS = 16;

export interface WinogradFit {
  /** The padded input extent the forward tiles read. */
  forward: { IH: number; IW: number };
  /** The padded, dilated delta extent the data gradient's tiles read. */
  data: { IH: number; IW: number };
}

/** Measurements only (`npm run bench:kernels -- --no-winograd`): compile direct kernels instead. */
export const winogradSwitch = { enabled: true };

/** Whether `g` runs as Winograd, and the buffer extents it then needs; null: direct kernels. */
export function winogradFits(g: ConvGeometry): WinogradFit | null {
  if (!winogradSwitch.enabled) return null;
  const mh = tileFor(g.KH);
  const mw = tileFor(g.KW);
  if (g.SH !== 1 || g.SW !== 1 || !mh || !mw || g.C < WINOGRAD_MIN_CHANNELS || g.F < WINOGRAD_MIN_CHANNELS) return null;
  const HC = g.OH + g.KH - 1;
  const WC = g.OW + g.KW - 1;
  const fit: WinogradFit = {
    forward: { IH: Math.max(inputExtent(g.OH, mh, g.KH), g.PT + g.H, HC), IW: Math.max(inputExtent(g.OW, mw, g.KW), g.PL + g.W, WC) },
    data: { IH: Math.max(inputExtent(HC, mh, g.KH), HC + g.KH - 1), IW: Math.max(inputExtent(WC, mw, g.KW), WC + g.KW - 1) },
  };
  // webasm addresses in f32: every buffer of both plans must stay under 2^24 values
  const plans = [
    { N: g.N, IC: g.C, IH: fit.forward.IH, IW: fit.forward.IW, OC: g.F, OH: g.OH, OW: g.OW },
    { N: g.N, IC: g.F, IH: fit.data.IH, IW: fit.data.IW, OC: g.C, OH: HC, OW: WC },
  ];
  for (const p of plans) {
    const T = p.N * Math.ceil(p.OH / mh) * Math.ceil(p.OW / mw);
    const xi = (mh + g.KH - 1) * (mw + g.KW - 1);
    if (Math.max(xi * p.IC * T, xi * p.OC * T, xi * p.IC * p.OC, p.N * p.IC * p.IH * p.IW) >= EXACT_INDEX) return null;
  }
  return fit;
}

/**
 * The Winograd valid correlation: `run(input, weights, bias or null)` → output [N, OC, OH, OW] and
 * the transformed input tiles; `weightGrad(tiles, dy)` → the weights' gradient [OC, IC, KH, KW]
 * (forward correlations only).
 */
export interface WinogradRun {
  run(x: Handle, w: Handle, bias: Handle | null): { output: Handle; tiles: Handle };
  weightGrad(tiles: Handle, dy: Handle): Handle;
}

export function winogradConv(ctx: CompileCtx, v: WinogradConv): WinogradRun {
  const mh = tileFor(v.KH);
  const mw = tileFor(v.KW);
  const k = winogradKernels(v, mh, mw);
  const make = (part: { source: Parameters<CompileCtx['kernel']>[0]; size: number | [number, number]; native?: NativeOp }): KernelCall =>
    ctx.kernel(part.source, part.size, undefined, part.native);
  const weights = make(k.weights);
  const input = make(k.input);
  const gemm = make(k.gemm);
  const output = make(k.output);
  const scatter = make(k.scatter);
  const wg = v.rotated ? null : winogradWeightGradKernels(v, mh, mw);
  const padDelta = wg && (wg.paddedH !== v.OH || wg.paddedW !== v.OW) ? make(padSource(v.N, v.OC, v.OH, v.OW, wg.paddedH, wg.paddedW, 0, 0, 1, 1, { grid: true })) : null;
  const outputGrad = wg ? make(wg.outputGrad) : null;
  const gradGemm = wg ? make(wg.gemm) : null;
  const filterGrad = wg ? make(wg.filterGrad) : null;
  return {
    run(x, w, bias) {
      const tiles = input(x);
      const m = gemm(weights(w), tiles);
      return { output: scatter(bias ? output(m, bias) : output(m)), tiles };
    },
    weightGrad(tiles, dy) {
      if (!wg) throw new Error('Winograd: the weight gradient belongs to the forward correlation');
      const z = outputGrad!(padDelta ? padDelta(dy) : dy);
      return filterGrad!(gradGemm!(z, tiles), wg.coefficients);
    },
  };
}
