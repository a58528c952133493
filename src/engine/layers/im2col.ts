/**
 * A convolution as im2col + GEMM, for webasm where the GEMMs run as native SIMD (native-op.ts):
 * the direct kernels gather every operand of every multiply-add, the GEMMs read contiguous rows.
 *
 *   cols[n, (c,kh,kw), (oh,ow)] = xp[n, c, oh·SH + kh, ow·SW + kw]     (im2col: one gather per value)
 *   y[n, o, pq]   = b[o] + Σ_ckl w[o, ckl] · cols[n, ckl, pq]          (gemm-nn)
 *   dw[o, ckl]    = Σ_n Σ_pq dy[n, o, pq] · cols[n, ckl, pq]            (gemm-nt, outer reduction n)
 *   dcols[n, ckl, pq] = Σ_o w[o, ckl] · dy[n, o, pq]                   (gemm-nn)
 *   dxp[n, c, h, w] = Σ_kh,kw dcols[n, (c,kh,kw), ((h−kh)/SH, (w−kw)/SW)] where that is a whole
 *                     output position                                  (col2im)
 *
 * The columns are kept from forward to backward; they hold KH·KW/(SH·SW) times the input, so the
 * form is used only while they stay under 2^24 values (webasm's index limit); larger layers keep
 * the direct kernels.
 */
import { EXACT_INDEX, MAX_GRID_X, MAX_UNROLL, elementwise, exactDiv, type ConvGeometry, type GeneratedKernel } from './conv-codegen';
import { nativeSource, type Col2imOp, type GemmNN, type GemmNT, type Im2colOp } from './native-op';
import type { CompileCtx, Handle } from './spec';

/** Values in the columns buffer of `g`. */
export function columnsSize(g: ConvGeometry): number {
  return g.N * g.C * g.KH * g.KW * g.OH * g.OW;
}

/** Measurements and tests only (`npm run bench:kernels -- --no-im2col`; the Winograd tests): compile other kernels. */
export const im2colSwitch = { enabled: true };

/** Whether `g` runs as im2col + GEMM: webasm's grid only, columns under 2^24 values. */
export function im2colFits(g: ConvGeometry, grid: boolean | undefined): boolean {
  if (!im2colSwitch.enabled) return false;
  // one grid row per window position set (x = oh·OW + ow): within a dispatch row's width
  return grid === true && columnsSize(g) < EXACT_INDEX && g.KH * g.KW <= MAX_UNROLL && g.OH * g.OW <= MAX_GRID_X;
}

/** cols from the padded input xp [N, C, HP, WP]: grid x = (ow, oh), y = (kw, kh, c, n). */
export function im2colSource(g: ConvGeometry, HP: number, WP: number): GeneratedKernel {
  return elementwise(
    true,
    [
      ['ow', g.OW],
      ['oh', g.OH],
    ],
    [
      ['kw', g.KW],
      ['kh', g.KH],
      ['c', g.C],
      ['n', g.N],
    ],
    ['x'],
    [`return x[n * ${g.C * HP * WP} + c * ${HP * WP} + (oh * ${g.SH} + kh) * ${WP} + ow * ${g.SW} + kw];`],
  );
}

/**
 * dxp [N, C, HC, WC] (the covered extent) from dcols: grid x = w, y = (h, c, n). The row h is
 * uniform across SIMD lanes, so a kernel row whose h − kh is not a whole output row is skipped by
 * a uniform branch; columns are masked (and their reads clamped in bounds).
 */
export function col2imSource(g: ConvGeometry, HC: number, WC: number): GeneratedKernel {
  const PQ = g.OH * g.OW;
  const L: string[] = ['let s = 0;'];
  for (let kh = 0; kh < g.KH; kh++) {
    L.push(`const th${kh} = h - ${kh};`);
    if (g.SH === 1) {
      L.push(`if (th${kh} >= 0 && th${kh} < ${g.OH}) {`, `const oh${kh} = th${kh};`);
    } else {
      L.push(`const ohq${kh} = Math.max(th${kh}, 0);`);
      exactDiv(L, `oh${kh}`, `ohq${kh}`, g.SH);
      L.push(`if (th${kh} >= 0 && oh${kh} * ${g.SH} === th${kh} && oh${kh} < ${g.OH}) {`);
    }
    for (let kw = 0; kw < g.KW; kw++) {
      L.push(`const tw${kh}_${kw} = w - ${kw};`, `const twc${kh}_${kw} = Math.max(tw${kh}_${kw}, 0);`);
      exactDiv(L, `ow${kh}_${kw}`, `twc${kh}_${kw}`, g.SW);
      L.push(`const m${kh}_${kw} = (tw${kh}_${kw} >= 0 && ow${kh}_${kw} * ${g.SW} === tw${kh}_${kw} && ow${kh}_${kw} < ${g.OW}) ? 1 : 0;`);
      L.push(
        `s += dc[((n * ${g.C} + c) * ${g.KH * g.KW} + ${kh * g.KW + kw}) * ${PQ} + oh${kh} * ${g.OW} + Math.min(ow${kh}_${kw}, ${g.OW - 1})] * m${kh}_${kw};`,
      );
    }
    L.push('}');
  }
  L.push('return s;');
  return elementwise(
    true,
    [['w', WC]],
    [
      ['h', HC],
      ['c', g.C],
      ['n', g.N],
    ],
    ['dc'],
    L,
  );
}

/** im2col as a native copy (grid as im2colSource's). */
export function im2colOp(g: ConvGeometry, HP: number, WP: number): Im2colOp {
  return {
    kind: 'im2col',
    J: g.OH * g.OW,
    rows: [
      { size: g.N, a: g.C * HP * WP, b: 0 },
      { size: g.C, a: HP * WP, b: 0 },
      { size: g.KH, a: WP, b: 0 },
      { size: g.KW, a: 1, b: 0 },
    ],
    OW: g.OW,
    rowStride: g.SH * WP,
    SW: g.SW,
    a: 0,
  };
}

/** col2im as native row adds (grid as col2imSource's); null for strides along the width, which keep gpu.js's kernel. */
export function col2imOp(g: ConvGeometry, HC: number, WC: number): Col2imOp | null {
  if (g.SW !== 1) return null;
  const taps = g.KH * g.KW * g.OH * g.OW;
  return {
    kind: 'col2im',
    J: WC,
    rows: [
      { size: g.N, a: g.C * taps, b: 0 },
      { size: g.C, a: taps, b: 0 },
      { size: HC, a: 0, b: 0 },
    ],
    HC,
    KH: g.KH,
    KW: g.KW,
    SH: g.SH,
    OH: g.OH,
    OW: g.OW,
    a: 0,
  };
}

/** The three GEMMs of `g` as native operations. */
export function im2colGemms(g: ConvGeometry, bias: boolean): { forward: GemmNN; weightGrad: GemmNT; dataGrad: GemmNN } {
  const PQ = g.OH * g.OW;
  const CKL = g.C * g.KH * g.KW;
  return {
    // (cols, w[, b]) → y [N, F, PQ]
    forward: {
      kind: 'gemm-nn',
      J: PQ,
      rows: [
        { size: g.N, a: 0, b: CKL * PQ },
        { size: g.F, a: CKL, b: 0, bias: 1 },
      ],
      K: CKL,
      aK: 1,
      bK: PQ,
      a: 1,
      b: 0,
      rowBias: bias ? 2 : undefined,
    },
    // (dy, cols) → dw [F, CKL]
    weightGrad: {
      kind: 'gemm-nt',
      J: CKL,
      rows: [{ size: g.F, a: PQ, b: 0 }],
      K: PQ,
      bJ: PQ,
      outer: { size: g.N, a: g.F * PQ, b: CKL * PQ },
      a: 0,
      b: 1,
    },
    // (dy, w) → dcols [N, CKL, PQ]
    dataGrad: {
      kind: 'gemm-nn',
      J: PQ,
      rows: [
        { size: g.N, a: 0, b: g.F * PQ },
        { size: CKL, a: 1, b: 0 },
      ],
      K: g.F,
      aK: CKL,
      bK: PQ,
      a: 1,
      b: 0,
    },
  };
}

export interface Im2colRun {
  forward(xp: Handle, w: Handle, bias: Handle | null): { output: Handle; cols: Handle };
  weightGrad(cols: Handle, dy: Handle): Handle;
  /** dxp over the covered extent [N, C, HC, WC]. */
  dataGrad(dy: Handle, w: Handle): Handle;
}

export function im2colConv(ctx: CompileCtx, g: ConvGeometry, HP: number, WP: number, HC: number, WC: number, bias: boolean): Im2colRun {
  const ops = im2colGemms(g, bias);
  const gemm = (op: GemmNN | GemmNT) => ctx.kernel(nativeSource(op) as never, [op.J, op.rows.reduce((n, d) => n * d.size, 1)], undefined, op);
  const cols = im2colSource(g, HP, WP);
  const toCols = ctx.kernel(cols.source, cols.size, undefined, im2colOp(g, HP, WP));
  const back = col2imSource(g, HC, WC);
  const col2im = ctx.kernel(back.source, back.size, undefined, col2imOp(g, HC, WC) ?? undefined);
  const forward = gemm(ops.forward);
  const weightGrad = gemm(ops.weightGrad);
  const dataGrad = gemm(ops.dataGrad);
  return {
    forward(xp, w, b) {
      const c = toCols(xp);
      return { output: b ? forward(c, w, b) : forward(c, w), cols: c };
    },
    weightGrad: (c, dy) => weightGrad(dy, c),
    dataGrad: (dy, w) => col2im(dataGrad(dy, w)),
  };
}
