/**
 * Kernel sources specialised to one convolution's exact geometry.
 *
 * gpu.js compiles a kernel from its JavaScript source, so we write that source per layer: sizes
 * become literals, the kh×kw taps are unrolled, and index arithmetic is hoisted out of the
 * channel loop. Padding is never a branch in an inner loop: the input is padded explicitly by a
 * cheap copy kernel, and every convolution below is a *valid* one over a buffer that holds all
 * its taps — the seed's own formulation (17.3): the backward pass convolves the padded, dilated
 * delta with the 180°-rotated kernel, and the weight gradient correlates the (padded) input with
 * the delta. Measured on webasm (the seed's MNIST conv2, batch 64): the generic loop nest ran at
 * 0.2 GFLOP/s, the unrolled one near 1.
 */
import type { KArr, KernelThis } from './spec';
import { blockedSum } from './block-sum';

export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  F: number;
  KH: number;
  KW: number;
  OH: number;
  OW: number;
  SH: number;
  SW: number;
  /** Padding before (top, left); after is whatever completes the windows (≥ 0). */
  PT: number;
  PL: number;
}

export type KernelSource = (this: KernelThis, ...args: KArr[]) => number;

export function build(params: string[], lines: string[]): KernelSource {
  return new Function(...params, lines.join('\n')) as KernelSource;
}

/**
 * Most terms one generated statement adds up. Dawn's WGSL parser — the same on every adapter,
 * SwiftShader included — refuses deep expressions ("maximum parser recursive depth reached"):
 * VGG-16's 224-term weight-gradient row did. A sum is written as statements of at most this many
 * terms each (`s += t0 + … + t15;`), so expression depth never grows with a layer's size.
 */
export const MAX_TERMS = 16;

/** Most terms a generated kernel unrolls in one place; beyond it, a loop (or a partial unroll). */
export const MAX_UNROLL = 64;

/**
 * The largest index a kernel may keep in a variable. gpu.js declares every `const`/`let` but a
 * loop counter as f32 (on webgpu and webasm alike), and f32 holds integers exactly only up to
 * 2^24: measured, `const i = this.thread.x; return x[i]` read 7 wrong elements of 2^24 + 16.
 * An index that can pass this is written inline from `this.thread.x/y`, loop counters and
 * literals — gpu.js computes that in i32 — as the Dense kernels and the optimizers do.
 */
export const EXACT_INDEX = 1 << 24;

/** `target += …` over `terms`, MAX_TERMS per statement. */
export function sumInto(lines: string[], target: string, terms: string[]): void {
  for (let k = 0; k < terms.length; k += MAX_TERMS) lines.push(`${target} += ${terms.slice(k, k + MAX_TERMS).join(' + ')};`);
}

/**
 * `target += Σ_{j < count} term(j)`: unrolled when count ≤ MAX_UNROLL, else a loop over blocks of
 * MAX_TERMS unrolled terms plus the unrolled rest. `term` receives the index as an expression
 * (a literal, or `(<counter> * MAX_TERMS + k)` inside the loop: written inline, never through a
 * `const`, so it stays an exact integer — see EXACT_INDEX); `name` makes the counter unique.
 */
export function unrolledSum(lines: string[], target: string, count: number, term: (j: string) => string, name: string): void {
  if (count <= MAX_UNROLL) {
    sumInto(lines, target, Array.from({ length: count }, (_, j) => term(String(j))));
    return;
  }
  const blocks = Math.floor(count / MAX_TERMS);
  lines.push(`for (let ${name}b = 0; ${name}b < ${blocks}; ${name}b++) {`);
  sumInto(lines, target, Array.from({ length: MAX_TERMS }, (_, k) => term(`(${name}b * ${MAX_TERMS} + ${k})`)));
  lines.push('}');
  sumInto(lines, target, Array.from({ length: count - blocks * MAX_TERMS }, (_, k) => term(String(blocks * MAX_TERMS + k))));
}

/**
 * Exact integer quotient of a non-negative integer expression by a literal. gpu.js turns `/`
 * into f32 division on WebGPU, and SwiftShader's is not exact (189 / 189 gave 0): take the
 * float quotient, then correct it by one using the remainder.
 */
export function exactDiv(lines: string[], name: string, value: string, d: number): void {
  if (d === 1) {
    lines.push(`const ${name} = ${value};`);
    return;
  }
  lines.push(`const ${name}f = Math.floor(${value} / ${d});`);
  lines.push(`const ${name}r = ${value} - ${name}f * ${d};`);
  lines.push(`const ${name} = ${name}f + (${name}r >= ${d} ? 1 : 0) - (${name}r < 0 ? 1 : 0);`);
}

/** Lines that decode an index expression into named indices, innermost first. */
function decodeInto(lines: string[], source: string, prefix: string, names: [string, number][]): void {
  let rest = source;
  names.forEach(([name, extent], k) => {
    if (k === names.length - 1) {
      lines.push(`const ${name} = ${rest};`);
    } else {
      exactDiv(lines, `${prefix}${k}`, rest, extent);
      lines.push(`const ${name} = ${rest} - ${prefix}${k} * ${extent};`);
      rest = `${prefix}${k}`;
    }
  });
}

/**
 * The widest 2-D grid row: gpu.js dispatches 8 × 8 workgroups, and WebGPU guarantees 65,535 of
 * them per dimension (a 4,096 × 4,097 plane in x needed 2,098,689).
 */
export const MAX_GRID_X = 8 * 65535;

/** Lines that decode `this.thread.x` into named indices, innermost first. */
export function decode(names: [string, number][]): string[] {
  const lines = ['const i = this.thread.x;'];
  decodeInto(lines, 'i', 'q', names);
  return lines;
}

/**
 * A kernel's output indexing: 1-D (`this.thread.x` decodes `inner` then `outer`), or on a 2-D
 * grid x = the `inner` indices and y = the `outer` ones, so everything derived from `outer`
 * alone is uniform across webasm's SIMD lanes. Same flat order either way.
 */
interface Indexing {
  lines: string[];
  size: number | [number, number];
}
function indexing(grid: boolean, inner: [string, number][], outer: [string, number][]): Indexing {
  const extent = (names: [string, number][]) => names.reduce((a, [, e]) => a * e, 1);
  if (grid && extent(inner) > MAX_GRID_X && inner.length > 1) {
    // too wide for one dispatch row: the outermost inner index moves to y (same flat order)
    return indexing(grid, inner.slice(0, -1), [inner[inner.length - 1], ...outer]);
  }
  if (!grid) {
    const last = outer.length - 1;
    return { lines: decode([...inner, ...outer.slice(0, last), [outer[last][0], extent(outer.slice(last))]]), size: extent(inner) * extent(outer) };
  }
  const lines = ['const gx = this.thread.x;', 'const gy = this.thread.y;'];
  decodeInto(lines, 'gx', 'qx', inner);
  decodeInto(lines, 'gy', 'qy', outer);
  return { lines, size: [extent(inner), extent(outer)] };
}

/**
 * How a generated kernel addresses its buffers: `grid` (webasm's 2-D grid, offsets in f32
 * variables: fastest there, and webasm keeps tensors under 2^24 anyway) or `exact` (a 2-D grid
 * too, so no thread index passes 2^24 in a variable, and every buffer offset written inline with
 * `(v | 0)` around each decoded index: gpu.js then computes the offset in i32, exact at any size —
 * see EXACT_INDEX). Without either: 1-D, f32 offsets.
 */
export interface Addressing {
  grid?: boolean;
  exact?: boolean;
}

/**
 * Whether a kernel that gains nothing from uniform outer indices (copies, pooling: every read is
 * a gather anyway) should still run on a 2-D grid: always with exact addressing (the grid keeps
 * thread ids small), and on webasm only where the rows are a multiple of 4 wide — gpu.js runs a
 * row as SIMD quads plus a scalar tail otherwise (two calls per row), and a pooled plan's rows
 * fully scalar. Elsewhere 1-D: one span, SIMD throughout when the whole size is a multiple of 4.
 */
export function copyGrid(a: Addressing, inner: [string, number][]): boolean {
  return a.exact === true || (a.grid === true && inner.reduce((p, [, e]) => p * e, 1) % 4 === 0);
}

/**
 * A decoded index as an i32 term in exact addressing: `v | 0` is the one form gpu.js types as an
 * integer (WGSL `i32(v) | 0`), so the whole offset around it is computed in i32 (Math.floor
 * stays f32 there). `v` holds an exact integer below 2^24: a grid keeps each decode small.
 */
function int(a: Addressing, v: string): string {
  return a.exact ? `(${v} | 0)` : v;
}

/**
 * An elementwise kernel over the flat buffer [outer…, inner…] (names innermost first): `body`
 * sees the decoded indices and the flat index `i`, and returns the value. On a grid (webasm)
 * the outer indices (sample, channel) are uniform across SIMD lanes, so per-channel reads are
 * splat loads. Every decode is exact (exactDiv); `i` is exact below 2^24 (limits.ts).
 * With `exact` addressing (see Addressing), `body` is a function of `I` — the flat index as an
 * i32 expression — and `int` (a decoded index made i32), and may address buffers of any size.
 */
export function elementwise(
  grid: boolean,
  inner: [string, number][],
  outer: [string, number][],
  params: string[],
  body: string[] | ((ix: { I: string; int: (v: string) => string }) => string[]),
  a: Addressing = {},
): GeneratedKernel {
  const ix = indexing(grid || a.exact === true, inner, outer);
  const lines = [...ix.lines];
  const X = Array.isArray(ix.size) ? ix.size[0] : 0;
  if (X && !a.exact) lines.push(`const i = gx + ${X} * gy;`);
  const I = a.exact ? `(this.thread.x + ${X} * this.thread.y)` : 'i';
  const rest = typeof body === 'function' ? body({ I, int: (v) => int(a, v) }) : body;
  return { source: build(params, [...lines, ...rest]), size: ix.size };
}

/** The padded input extent the windows need: (out − 1)·stride + kernel. */
export function coveredExtent(out: number, stride: number, k: number): number {
  return (out - 1) * stride + k;
}

/** Does the convolution need an explicitly padded copy of its input? */
export function needsPadding(g: ConvGeometry): boolean {
  return g.PT > 0 || g.PL > 0 || coveredExtent(g.OH, g.SH, g.KH) > g.H || coveredExtent(g.OW, g.SW, g.KW) > g.W;
}

/**
 * Copy x [N, C, H, W] into a zero buffer [N, C, HP, WP], each source pixel (h, w) landing at
 * (top + h·DH, left + w·DW): padding, and for DH/DW > 1 the dilation of a strided delta.
 */
export function padSource(N: number, C: number, H: number, W: number, HP: number, WP: number, top: number, left: number, DH: number, DW: number, a: Addressing = {}): GeneratedKernel {
  const ix = indexing(copyGrid(a, [['pw', WP], ['ph', HP]]), [['pw', WP], ['ph', HP]], [['c', C], ['n', N]]);
  const L = ix.lines;
  const axis = (name: string, p: string, before: number, d: number, size: number) => {
    L.push(`const t${name} = Math.max(${p} - ${before}, 0);`);
    exactDiv(L, `s${name}`, `t${name}`, d);
    L.push(`const m${name} = (${p} - ${before} >= 0 && s${name} * ${d} === t${name} && s${name} < ${size}) ? 1 : 0;`);
    L.push(`const v${name} = Math.min(s${name}, ${size - 1});`);
  };
  axis('h', 'ph', top, DH, H);
  axis('w', 'pw', left, DW, W);
  L.push(`return x[${int(a, 'n')} * ${C * H * W} + ${int(a, 'c')} * ${H * W} + ${int(a, 'vh')} * ${W} + ${int(a, 'vw')}] * (mh * mw);`);
  return { source: build(['x'], L), size: ix.size };
}

/** dx[n,c,h,w] = dxp[n,c,h+top,w+left] where inside the covered extent, else 0 (rows no window reached). */
export function cropSource(N: number, C: number, H: number, W: number, HP: number, WP: number, top: number, left: number, a: Addressing = {}): GeneratedKernel {
  const ix = indexing(copyGrid(a, [['w', W], ['h', H]]), [['w', W], ['h', H]], [['c', C], ['n', N]]);
  const L = ix.lines;
  L.push(`const mh = (h + ${top} < ${HP}) ? 1 : 0;`, `const mw = (w + ${left} < ${WP}) ? 1 : 0;`);
  L.push(`const vh = Math.min(h + ${top}, ${HP - 1});`, `const vw = Math.min(w + ${left}, ${WP - 1});`);
  L.push(`return x[${int(a, 'n')} * ${C * HP * WP} + ${int(a, 'c')} * ${HP * WP} + ${int(a, 'vh')} * ${WP} + ${int(a, 'vw')}] * (mh * mw);`);
  return { source: build(['x'], L), size: ix.size };
}

/** A valid correlation over an already padded buffer (the form every convolution here takes). */
export interface ValidConv {
  N: number;
  /** Input channels, height, width (of the already padded buffer). */
  IC: number;
  IH: number;
  IW: number;
  /** Output channels, height, width. */
  OC: number;
  OH: number;
  OW: number;
  KH: number;
  KW: number;
  SH: number;
  SW: number;
  /** Weight offset of output channel o: o·wOut; of input channel i: + i·wIn. */
  wOut: number;
  wIn: number;
  /** Taps read the kernel plane rotated by 180° (tap (kh, kw) at KH·KW − 1 − (kh·KW + kw)). */
  rotated: boolean;
  bias: boolean;
}

export interface GeneratedKernel {
  source: KernelSource;
  /** Output size: a count, or the [x, y] grid (same flat order). */
  size: number | [number, number];
}

/**
 * The taps of one channel, added into `s`: x at xb + kh·IW + kw times w at wb + tap(kh, kw)
 * (`xb`, `wb`: offset expressions). Fully unrolled up to MAX_UNROLL taps; a bigger kernel loops
 * over its rows (each row unrolled, or looped too when it is wider than MAX_UNROLL), so the
 * source stays small at any kernel size.
 */
function tapsInto(L: string[], v: ValidConv, x: string, w: string, xb: string, wb: string): void {
  const tap = (t: string) => (v.rotated ? `${v.KH * v.KW - 1} - ${t}` : t);
  if (v.KH * v.KW <= MAX_UNROLL) {
    const terms: string[] = [];
    for (let kh = 0; kh < v.KH; kh++) {
      for (let kw = 0; kw < v.KW; kw++) terms.push(`${x}[${xb} + ${kh * v.IW + kw}] * ${w}[${wb} + ${v.rotated ? v.KH * v.KW - 1 - (kh * v.KW + kw) : kh * v.KW + kw}]`);
    }
    sumInto(L, 's', terms);
    return;
  }
  L.push(`for (let kh = 0; kh < ${v.KH}; kh++) {`);
  unrolledSum(L, 's', v.KW, (kw) => `${x}[${xb} + kh * ${v.IW} + ${kw}] * ${w}[${wb} + ${tap(`(kh * ${v.KW} + ${kw})`)}]`, 'tw');
  L.push('}');
}

/** y[n,o,oh,ow] = b[o] + Σ_i Σ_kh Σ_kw x[n,i,oh·SH+kh, ow·SW+kw] · w[o·wOut + i·wIn + tap(kh,kw)] */
function validConvSource(v: ValidConv, names: { x: string; w: string }, a: Addressing): GeneratedKernel {
  const ix = indexing(a.grid === true || a.exact === true, [['ow', v.OW], ['oh', v.OH]], [['o', v.OC], ['n', v.N]]);
  const L = ix.lines;
  L.push(v.bias ? 'let s = b[o];' : 'let s = 0;');
  const xOrigin = `${int(a, 'n')} * ${v.IC * v.IH * v.IW} + ${int(a, 'oh')} * ${v.SH * v.IW} + ${int(a, 'ow')} * ${v.SW}`;
  if (a.exact) {
    // every offset inline (i32): origin + channel + tap
    L.push(`for (let c = 0; c < ${v.IC}; c++) {`);
    tapsInto(L, v, names.x, names.w, `${xOrigin} + c * ${v.IH * v.IW}`, `${int(a, 'o')} * ${v.wOut} + c * ${v.wIn}`);
    L.push('}');
  } else {
    L.push(`let xb = ${xOrigin};`, `let wb = o * ${v.wOut};`);
    L.push(`for (let c = 0; c < ${v.IC}; c++) {`);
    tapsInto(L, v, names.x, names.w, 'xb', 'wb');
    L.push(`xb += ${v.IH * v.IW};`, `wb += ${v.wIn};`, '}');
  }
  L.push('return s;');
  return { source: build(v.bias ? [names.x, names.w, 'b'] : [names.x, names.w], L), size: ix.size };
}

/** Forward over the padded input xp [N, C, HP, WP] (HP, WP = covered extents or more). */
export function convForwardSource(g: ConvGeometry, HP: number, WP: number, useBias: boolean, a: Addressing = {}): GeneratedKernel {
  return validConvSource(
    { N: g.N, IC: g.C, IH: HP, IW: WP, OC: g.F, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW, SH: g.SH, SW: g.SW, wOut: g.C * g.KH * g.KW, wIn: g.KH * g.KW, rotated: false, bias: useBias },
    { x: 'x', w: 'w' },
    a,
  );
}

/** Geometry of the dilated, fully padded delta the data gradient convolves. */
export function deltaPadding(g: ConvGeometry): { HD: number; WD: number; HC: number; WC: number } {
  const HC = coveredExtent(g.OH, g.SH, g.KH);
  const WC = coveredExtent(g.OW, g.SW, g.KW);
  return { HD: HC + g.KH - 1, WD: WC + g.KW - 1, HC, WC };
}

/**
 * dxp[n,c,h,w] = Σ_f Σ_kh Σ_kw dyp[n,f,h+kh,w+kw] · w[f,c,KH−1−kh,KW−1−kw]: the dilated delta,
 * padded by KH−1 / KW−1, correlated with the rotated kernel (seed 17.3.1–17.3.4); dxp covers the
 * padded input's extent HC × WC.
 *
 * On webasm's grid the row h is uniform (x = w only), so a kernel row kh whose delta row h + kh is
 * padding or dilation zeros is skipped by a uniform branch: the seed MNIST CNN's conv2 (8×8 delta,
 * 5×5 kernel) does 40 of 60 rows of taps, and a stride-s layer 1/s of them.
 */
export function convBackwardDataSource(g: ConvGeometry, a: Addressing = {}): GeneratedKernel {
  const { HD, WD, HC, WC } = deltaPadding(g);
  if (a.grid === true && !a.exact && g.KH <= MAX_TERMS && g.KW <= MAX_UNROLL) return rowSkippingDataSource(g, HD, WD, HC, WC);
  return validConvSource(
    { N: g.N, IC: g.F, IH: HD, IW: WD, OC: g.C, OH: HC, OW: WC, KH: g.KH, KW: g.KW, SH: 1, SW: 1, wOut: g.KH * g.KW, wIn: g.C * g.KH * g.KW, rotated: true, bias: false },
    { x: 'dy', w: 'w' },
    a,
  );
}

/**
 * The data gradient over a delta buffer of HDB × WDB (≥ HD × WD: extra rows and columns are
 * zeros), one output row per grid row: x = q (the column), y = (h, c, n). Delta row h + kh holds data iff
 * h + kh − (KH − 1) = SH·j for some 0 ≤ j < OH.
 */
function rowSkippingDataSource(g: ConvGeometry, HDB: number, WDB: number, HC: number, WC: number): GeneratedKernel {
  const ix = indexing(true, [['q', WC]], [['h', HC], ['c', g.C], ['n', g.N]]);
  const L = ix.lines;
  const taps = g.KH * g.KW;
  L.push('let s = 0;', `const xo = n * ${g.F * HDB * WDB} + h * ${WDB} + q;`, `const wo = c * ${taps};`);
  for (let kh = 0; kh < g.KH; kh++) {
    // delta row r = h + kh − (KH − 1) in the undilated delta's row units, live iff r = SH·j, 0 ≤ j < OH
    L.push(`const r${kh} = h + ${kh - (g.KH - 1)};`);
    if (g.SH === 1) {
      L.push(`if (r${kh} >= 0 && r${kh} < ${g.OH}) {`);
    } else {
      L.push(`const j${kh} = Math.floor(Math.max(r${kh}, 0) / ${g.SH} + 0.5 / ${g.SH});`);
      L.push(`if (r${kh} >= 0 && r${kh} === j${kh} * ${g.SH} && j${kh} < ${g.OH}) {`);
    }
    L.push(`let xb = xo + ${kh * WDB};`, 'let wb = wo;', `for (let f = 0; f < ${g.F}; f++) {`);
    const terms = Array.from({ length: g.KW }, (_, kw) => `dy[xb + ${kw}] * w[wb + ${taps - 1 - (kh * g.KW + kw)}]`);
    sumInto(L, 's', terms);
    L.push(`xb += ${HDB * WDB};`, `wb += ${g.C * taps};`, '}', '}');
  }
  L.push('return s;');
  return { source: build(['dy', 'w'], L), size: ix.size };
}

/** How many partial sums the weight gradient splits the batch into, so enough threads run. */
export function weightGradGroups(g: ConvGeometry): number {
  const outputs = g.F * g.C * g.KH * g.KW;
  return Math.max(1, Math.min(g.N, Math.ceil(16384 / outputs)));
}

/**
 * Partial weight gradients over a slice of the batch (the input correlated with the delta,
 * seed 17.3.5), over the padded input xp [N, C, HP, WP]:
 * dw_p[p,f,c,kh,kw] = Σ_{n in slice p} Σ_oh Σ_ow dy[n,f,oh,ow] · xp[n,c,oh·SH+kh, ow·SW+kw].
 */
export function convBackwardWeightSource(g: ConvGeometry, HP: number, WP: number, a: Addressing = {}): GeneratedKernel {
  const P = weightGradGroups(g);
  const per = Math.ceil(g.N / P);
  // on a grid, the delta's reads depend only on y (f, p) and loop counters: uniform loads
  const lanes = weightGradLanes(g, a);
  const taps: [string, number][] = [['kw', g.KW], ['kh', g.KH], ['c', g.C]];
  const ix = indexing(a.grid === true || a.exact === true, lanes === g.KW * g.KH * g.C ? taps : [['j0', lanes]], [['f', g.F], ['p', P]]);
  const L = ix.lines;
  if (lanes !== g.KW * g.KH * g.C) {
    // rows padded to whole quads: the lanes past the taps recompute the last tap (never read)
    L.push(`const j = Math.min(j0, ${g.KW * g.KH * g.C - 1});`);
    exactDiv(L, 'q0', 'j', g.KW);
    L.push(`const kw = j - q0 * ${g.KW};`);
    exactDiv(L, 'c', 'q0', g.KH);
    L.push(`const kh = q0 - c * ${g.KH};`);
  }
  const col = (ow: string) => (g.SW === 1 ? ow : `(${ow}) * ${g.SW}`);
  L.push('let s = 0;');
  L.push(`for (let j = 0; j < ${per}; j++) {`);
  if (a.exact) {
    // n = p·per + j, every offset inline (i32)
    const n = `(${int(a, 'p')} * ${per} + j)`;
    L.push(`if (${n} < ${g.N}) {`);
    L.push(`for (let oh = 0; oh < ${g.OH}; oh++) {`);
    const xr = `(${n} * ${g.C} + ${int(a, 'c')}) * ${HP * WP} + ${int(a, 'kh')} * ${WP} + ${int(a, 'kw')} + oh * ${g.SH * WP}`;
    const dr = `(${n} * ${g.F} + ${int(a, 'f')}) * ${g.OH * g.OW} + oh * ${g.OW}`;
    unrolledSum(L, 's', g.OW, (ow) => `dy[${dr} + ${ow}] * x[${xr} + ${col(ow)}]`, 'tw');
    L.push('}');
  } else {
    L.push(`const n = p * ${per} + j;`);
    L.push(`if (n < ${g.N}) {`);
    L.push(`let xr = (n * ${g.C} + c) * ${HP * WP} + kh * ${WP} + kw;`, `let dr = (n * ${g.F} + f) * ${g.OH * g.OW};`);
    L.push(`for (let oh = 0; oh < ${g.OH}; oh++) {`);
    unrolledSum(L, 's', g.OW, (ow) => `dy[dr + ${ow}] * x[xr + ${col(ow)}]`, 'tw');
    L.push(`xr += ${g.SH * WP};`, `dr += ${g.OW};`, '}');
  }
  L.push('}', '}', 'return s;');
  return { source: build(['x', 'dy'], L), size: ix.size };
}

/**
 * Lanes per row of the weight gradient's grid: its taps (KW·KH·C), rounded up to a multiple of 4
 * on webasm, where gpu.js vectorises only rows that are (the seed MNIST CNN's 5×5×1 = 25 and the
 * CIFAR net's 3×3×3 = 27 were not: a scalar tail per row, and no SIMD at all on the thread pool).
 */
export function weightGradLanes(g: ConvGeometry, a: Addressing): number {
  const taps = g.KW * g.KH * g.C;
  return a.grid === true && !a.exact ? Math.ceil(taps / 4) * 4 : taps;
}

/**
 * Sum P partial slices: out[f·len + j] = Σ_p a[(p·rows + f)·stride + j] for f < rows, j < len
 * (stride ≥ len: padded rows). With stride = len the indices are inline (exact at any size).
 */
export function sumSlicesSource(P: number, len: number, rows = 1, stride = len): KernelSource {
  const L = ['let s = 0;'];
  if (stride === len) {
    unrolledSum(L, 's', P, (p) => `a[(${p}) * ${len * rows} + this.thread.x]`, 'tp');
  } else {
    L.push('const i = this.thread.x;');
    exactDiv(L, 'f', 'i', len);
    L.push(`const at = f * ${stride} + i - f * ${len};`);
    unrolledSum(L, 's', P, (p) => `a[(${p}) * ${stride * rows} + at]`, 'tp');
  }
  L.push('return s;');
  return build(['a'], L);
}

/**
 * db[f] = Σ_n Σ_{oh,ow} dy[n,f,oh,ow] (indices inline from the thread id and loop counters: exact).
 * Each sample's positions go in blocks (blockedSum), then the samples: one f32 running sum over
 * N·OH·OW terms was 2.2e-4 off over 2 × 257 × 513 gradients of ~500 on webasm, and blocks of 1,024
 * summed straight into the total still 1.6e-5 over 64 × 224 × 224.
 */
export function convBackwardBiasSource(g: ConvGeometry): KernelSource {
  const P = g.OH * g.OW;
  const L = ['let s = 0;', `for (let n = 0; n < ${g.N}; n++) {`];
  L.push(...blockedSum('t', P, `(n * ${g.F} + this.thread.x) * ${P}`, (at, acc) => [`${acc} += dy[${at}];`]), 's += t;', '}', 'return s;');
  return build(['dy'], L);
}
