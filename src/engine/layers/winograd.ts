/**
 * Winograd's minimal filtering F(m×m', r×r') for stride-1 convolutions on webasm.
 *
 * Why: on gpu.js's webasm backend every multiply-add of a direct convolution costs one 4-lane
 * gather (WebAssembly SIMD has no gather: four scalar loads and lane inserts), so a convolution
 * runs at about 1 GMAC/s whatever its shape (docs/bench.md, "Where the CPU step goes"). Winograd
 * does the same convolution with fewer multiply-adds: F(4×4, 3×3) computes each 4×4 output tile
 * with 36 products per channel pair instead of 144 (4× fewer; F(2×2, 3×3): 16 instead of 36), at
 * the price of transforming the input tiles and the weights, and the products back (Lavin & Gray,
 * 2015).
 *
 * One valid correlation y[n,o,p,q] = b[o] + Σ_c Σ_k Σ_l x[n,c,p+k,q+l] · g[o,c,k,l] becomes five
 * kernels, each a gather of sums with literal coefficients (zeros skipped):
 *   U[ξ,o,c] = (G g Gᵀ)[ξ]                 weights → α×α transformed filters
 *   V[ξ,c,t] = (Bᵀ d Bᵀᵀ)[ξ]              input tile t (its α×α window) → transformed tile
 *   M[ξ,o,t] = Σ_c U[ξ,o,c] · V[ξ,c,t]     α² small GEMMs: the multiply-adds that remain
 *   Y[ab,o,t] = (Aᵀ M Aᵀᵀ)[a,b] (+ b[o])   back to the m×m outputs of each tile
 *   y[n,o,p,q] = Y[(p mod m, q mod m), o, (n, p div m, q div m)]   to NCHW
 * ξ = (i, j) indexes the α×α transformed tile (α = m + r − 1). The 1-D matrices come from
 * Cook–Toom interpolation at the points 0, 1, −1, 2, −2 (and ∞): Aᵀ and G are fixed by the
 * points, Bᵀ is solved so that the 1-D identity holds exactly (`winogradMatrices` checks it).
 */
import { build, decode, exactDiv, sumInto, type KernelSource, type ValidConv } from './conv-codegen';
import type { GemmNN, GemmNT, NativeOp } from './native-op';

/** Interpolation points, in the order they are used (∞ is the last point, implicitly). */
const POINTS = [0, 1, -1, 2, -2, 0.5, -0.5];

export interface Winograd1D {
  m: number;
  r: number;
  alpha: number;
  /** m × α */
  AT: number[][];
  /** α × r */
  G: number[][];
  /** α × α */
  BT: number[][];
}

/** Solve the square system A x = b (Gaussian elimination, partial pivoting, doubles). */
function solve(A: number[][], b: number[]): number[] {
  const n = A.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    if (Math.abs(M[c][c]) < 1e-12) throw new Error('Winograd: singular interpolation system');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

/** Round values within 1e-9 of a simple fraction to it, so exact zeros are recognised as zeros. */
function tidy(v: number): number {
  for (const d of [1, 2, 3, 4, 6, 8, 12, 24]) {
    const q = Math.round(v * d) / d;
    if (Math.abs(q - v) < 1e-9) return q;
  }
  return v;
}

/**
 * Aᵀ, G, Bᵀ of F(m, r) such that for every g (r values) and d (α values):
 *   Σ_k g[k] d[i + k] = Σ_j Aᵀ[i][j] (G g)[j] (Bᵀ d)[j]   for i < m.
 */
export function winogradMatrices(m: number, r: number): Winograd1D {
  const alpha = m + r - 1;
  if (alpha - 1 > POINTS.length) throw new Error(`Winograd F(${m}, ${r}) needs ${alpha - 1} points`);
  const a = POINTS.slice(0, alpha - 1);
  // Aᵀ[i][j] = a_j^i; the point at infinity contributes only to the last output
  const AT = Array.from({ length: m }, (_, i) => [...a.map((p) => p ** i), i === m - 1 ? 1 : 0]);
  // G[j][k] = a_j^k / Π_{l≠j}(a_j − a_l); infinity: the leading coefficient g[r−1]
  const G = [
    ...a.map((p, j) => {
      const f = a.reduce((acc, q, l) => (l === j ? acc : acc * (p - q)), 1);
      return Array.from({ length: r }, (_, k) => p ** k / f);
    }),
    Array.from({ length: r }, (_, k) => (k === r - 1 ? 1 : 0)),
  ];
  // Bᵀ column by column: Σ_j Aᵀ[i][j] G[j][k] Bᵀ[j][l] = [l = i + k] for all i < m, k < r.
  // That is m·r ≥ α equations in α unknowns; least squares through the normal equations,
  // exact here (the system is consistent), checked below.
  const rows: number[][] = [];
  for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) rows.push(Array.from({ length: alpha }, (_, j) => AT[i][j] * G[j][k]));
  const BT = Array.from({ length: alpha }, () => new Array<number>(alpha).fill(0));
  for (let l = 0; l < alpha; l++) {
    const rhs: number[] = [];
    for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) rhs.push(l === i + k ? 1 : 0);
    const AtA = Array.from({ length: alpha }, (_, p) => Array.from({ length: alpha }, (_, q) => rows.reduce((s, row) => s + row[p] * row[q], 0)));
    const Atb = Array.from({ length: alpha }, (_, p) => rows.reduce((s, row, e) => s + row[p] * rhs[e], 0));
    const col = solve(AtA, Atb);
    for (let j = 0; j < alpha; j++) BT[j][l] = tidy(col[j]);
  }
  const W: Winograd1D = { m, r, alpha, AT: AT.map((row) => row.map(tidy)), G: G.map((row) => row.map(tidy)), BT };
  // the identity, on basis vectors
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < r; k++) {
      for (let l = 0; l < alpha; l++) {
        const v = W.AT[i].reduce((s, at, j) => s + at * W.G[j][k] * W.BT[j][l], 0);
        if (Math.abs(v - (l === i + k ? 1 : 0)) > 1e-9) throw new Error(`Winograd F(${m}, ${r}): transform check failed`);
      }
    }
  }
  return W;
}

/** The valid correlation a Winograd plan computes: stride 1, over a buffer padded to whole tiles (`inputExtent`). */
export type WinogradConv = Omit<ValidConv, 'SH' | 'SW'>;

export interface WinogradKernels {
  /** Output tile size per axis. */
  mh: number;
  mw: number;
  tilesH: number;
  tilesW: number;
  weights: { source: KernelSource; size: [number, number] };
  input: { source: KernelSource; size: [number, number] };
  gemm: { source: KernelSource; size: [number, number]; native: NativeOp };
  output: { source: KernelSource; size: [number, number] };
  scatter: { source: KernelSource; size: number };
  /** Largest buffer the plan makes, in float32 values. */
  largest: number;
}

/**
 * Output tile per kernel extent: F(4, 3) for 3 taps (α = 6, 4× fewer multiply-adds than direct;
 * measured on the CIFAR net's three 3×3 layers, forward + both gradients: 0.79–0.82× the time of
 * F(2, 3), tile waste at 13×13 included), F(2, r) for 2, 4 and 5 taps (α ≤ 6: the points 0, ±1, ±2
 * keep the transforms accurate in f32). 0: no Winograd.
 */
export function tileFor(r: number): number {
  if (r === 3) return 4;
  return r >= 2 && r <= 5 ? 2 : 0;
}

/** Rows (cols) of the input a plan reads: whole tiles, (tiles − 1)·m + α. */
export function inputExtent(out: number, m: number, r: number): number {
  return Math.ceil(out / m) * m + r - 1;
}

/**
 * Tiles per sample, rounded up to a multiple of 4: the tile index is the grid's x, and gpu.js's
 * webasm runs a grid as SIMD quads only where its rows are a multiple of 4 wide (otherwise a
 * scalar tail per row, and no SIMD at all on the thread pool). Padding tiles compute zeros.
 */
function paddedTiles(tiles: number): number {
  return Math.ceil(tiles / 4) * 4;
}

/** Decode tile `tt` into (th, tw), clamped into range, and `live` = 1 for a real tile, 0 for padding. */
function tileOf(L: string[], tilesH: number, tilesW: number, TT: number): void {
  exactDiv(L, 'th0', 'tt', tilesW);
  L.push(`const tw = tt - th0 * ${tilesW};`, `const th = Math.min(th0, ${tilesH - 1});`);
  L.push(TT > tilesH * tilesW ? `const live = tt < ${tilesH * tilesW} ? 1 : 0;` : 'const live = 1;');
}

/**
 * One branch per transformed index ξ = (i, j): s = Σ_{k,l} P[i][k]·Q[j][l]·read(k, l), zero
 * coefficients skipped — the 2-D transform X ↦ P X Qᵀ, one output value per branch.
 */
function transformBranches(P: number[][], Q: number[][], read: (k: number, l: number) => string): string[][] {
  const branches: string[][] = [];
  for (const pi of P) {
    for (const qj of Q) {
      const body: string[] = [];
      const terms: (string | null)[] = [];
      pi.forEach((pk, k) => qj.forEach((ql, l) => terms.push(term(pk * ql, read(k, l)))));
      sumStatement(body, terms);
      branches.push(body);
    }
  }
  return branches;
}

/** The columns of M as rows (Aᵀ ↦ A). */
const transpose = (M: number[][]): number[][] => M[0].map((_, j) => M.map((row) => row[j]));

/**
 * s += Σ_{k < count} a(k)·b(k) where a and b read at `ap + k` and `bp + k·bStride` (ap, bp: the
 * names of two pointer variables): a loop over blocks of 16 unrolled terms, then the rest.
 */
function blockedDot(L: string[], count: number, a: string, ap: string, b: string, bp: string, bStride: number, aStride = 1): void {
  const block = Math.min(count, 16);
  const blocks = Math.floor(count / block);
  const terms = (base: number, n: number) => Array.from({ length: n }, (_, k) => `${a}[${ap} + ${(base + k) * aStride}] * ${b}[${bp} + ${(base + k) * bStride}]`);
  L.push(`for (let kb = 0; kb < ${blocks}; kb++) {`);
  sumInto(L, 's', terms(0, block));
  L.push(`${ap} += ${block * aStride};`, `${bp} += ${block * bStride};`, '}');
  sumInto(L, 's', terms(0, count - blocks * block));
}

/** `branches[k]` as an if/else chain on a uniform index (every branch assigns `s`). */
function select(L: string[], index: string, branches: string[][]): void {
  if (branches.length === 1) {
    L.push(...branches[0]);
    return;
  }
  branches.forEach((body, k) => {
    L.push(k === 0 ? `if (${index} === ${k}) {` : k === branches.length - 1 ? '} else {' : `} else if (${index} === ${k}) {`);
    L.push(...body);
  });
  L.push('}');
}

/** `c·x` as a source term (c a literal), or null for c = 0. */
function term(c: number, x: string): string | null {
  if (c === 0) return null;
  if (c === 1) return x;
  if (c === -1) return `-${x}`;
  return `${c} * ${x}`;
}

function sumStatement(L: string[], terms: (string | null)[]): void {
  const live = terms.filter((t): t is string => t !== null);
  L.push('s = 0;');
  sumInto(L, 's', live.length ? live : ['0']);
}

/** The matrices and tile counts both plans of one correlation share. */
function tiling(v: WinogradConv, mh: number, mw: number) {
  const H = winogradMatrices(mh, v.KH);
  const Wd = winogradMatrices(mw, v.KW);
  const tilesH = Math.ceil(v.OH / mh);
  const tilesW = Math.ceil(v.OW / mw);
  const TT = paddedTiles(tilesH * tilesW);
  return { H, Wd, aH: H.alpha, aW: Wd.alpha, XI: H.alpha * Wd.alpha, tilesH, tilesW, TT, T: v.N * TT };
}

/**
 * The five kernels of F(mh×mw, KH×KW) for `v` (stride 1), on webasm's 2-D grid: x = the
 * lane-varying index (tiles, input channels), y = uniform ones (ξ, channels), so every
 * coefficient is a literal in a branch on a uniform index and every weight read is a splat.
 */
export function winogradKernels(v: WinogradConv, mh: number, mw: number): WinogradKernels {
  const { H, Wd, aW, XI, tilesH, tilesW, TT, T } = tiling(v, mh, mw);
  if (v.IH < inputExtent(v.OH, mh, v.KH) || v.IW < inputExtent(v.OW, mw, v.KW)) throw new Error('Winograd: input buffer smaller than its tiles');
  const C = v.IC;
  const F = v.OC;

  // U[ξ, o, c]: grid x = c, y = ξ·F + o
  const weights = (() => {
    const L = ['const c = this.thread.x;', 'const gy = this.thread.y;'];
    exactDiv(L, 'xi', 'gy', F);
    L.push(`const o = gy - xi * ${F};`, `const wb = o * ${v.wOut} + c * ${v.wIn};`, 'let s = 0;');
    const tap = (k: number, l: number) => (v.rotated ? v.KH * v.KW - 1 - (k * v.KW + l) : k * v.KW + l);
    const branches = transformBranches(H.G, Wd.G, (k, l) => `g[wb + ${tap(k, l)}]`);
    select(L, 'xi', branches);
    L.push('return s;');
    return { source: build(['g'], L), size: [C, XI * F] as [number, number] };
  })();

  // V[ξ, c, t], t = n·TT + tt (tt = th·tilesW + tw): grid x = tt, y = (ξ·C + c)·N + n
  const input = (() => {
    const L = ['const tt = this.thread.x;', 'const gy = this.thread.y;'];
    exactDiv(L, 'r0', 'gy', v.N);
    L.push(`const n = gy - r0 * ${v.N};`);
    exactDiv(L, 'xi', 'r0', C);
    L.push(`const c = r0 - xi * ${C};`);
    tileOf(L, tilesH, tilesW, TT);
    L.push(`const db = n * ${C * v.IH * v.IW} + c * ${v.IH * v.IW} + th * ${mh * v.IW} + tw * ${mw};`, 'let s = 0;');
    const branches = transformBranches(H.BT, Wd.BT, (k, l) => `d[db + ${k * v.IW + l}]`);
    select(L, 'xi', branches);
    L.push('return s * live;');
    return { source: build(['d'], L), size: [TT, XI * C * v.N] as [number, number] };
  })();

  // M[ξ, o, t] = Σ_c U[ξ, o, c] V[ξ, c, t]: grid x = tt, y = (ξ·F + o)·N + n; U reads are
  // uniform (splats), V reads one gather each at a literal offset from one varying base
  const gemm = (() => {
    const L = ['const tt = this.thread.x;', 'const gy = this.thread.y;'];
    exactDiv(L, 'r0', 'gy', v.N);
    L.push(`const n = gy - r0 * ${v.N};`);
    exactDiv(L, 'xi', 'r0', F);
    const stride = v.N * TT;
    L.push(`let up = r0 * ${C};`, `let vp = (xi * ${C * v.N} + n) * ${TT} + tt;`, 'let s = 0;');
    blockedDot(L, C, 'u', 'up', 'vv', 'vp', stride);
    L.push('return s;');
    const native: GemmNN = {
      kind: 'gemm-nn',
      J: TT,
      rows: [
        { size: XI, a: F * C, b: C * stride },
        { size: F, a: C, b: 0 },
        { size: v.N, a: 0, b: TT },
      ],
      K: C,
      aK: 1,
      bK: stride,
      a: 0,
      b: 1,
    };
    return { source: build(['u', 'vv'], L), size: [TT, XI * F * v.N] as [number, number], native };
  })();

  // Y[ab, o, t] = Σ_ij Aᵀ[a][i] Aᵀ[b][j] M[ξ=(i,j), o, t] (+ bias[o]): grid x = tt, y = (ab·F + o)·N + n
  const output = (() => {
    const L = ['const tt = this.thread.x;', 'const gy = this.thread.y;'];
    exactDiv(L, 'r0', 'gy', v.N);
    L.push(`const n = gy - r0 * ${v.N};`);
    exactDiv(L, 'ab', 'r0', F);
    L.push(`const o = r0 - ab * ${F};`, `const mb = (o * ${v.N} + n) * ${TT} + tt;`, 'let s = 0;');
    const branches = transformBranches(H.AT, Wd.AT, (i, j) => `mm[mb + ${(i * aW + j) * F * T}]`);
    select(L, 'ab', branches);
    L.push(v.bias ? 'return s + bias[o];' : 'return s;');
    return { source: build(v.bias ? ['mm', 'bias'] : ['mm'], L), size: [TT, mh * mw * F * v.N] as [number, number] };
  })();

  // y[n, o, p, q] = Y[(p mod mh)·mw + q mod mw, o, (n, p div mh, q div mw)]: 1-D (a pure gather:
  // nothing to keep uniform, and a 1-D grid runs as SIMD whenever the output is a multiple of 4)
  const scatter = (() => {
    const L = decode([['q', v.OW], ['p', v.OH], ['o', F], ['n', v.N]]);
    exactDiv(L, 'ph', 'p', mh);
    exactDiv(L, 'qw', 'q', mw);
    L.push(`const a = p - ph * ${mh};`, `const b = q - qw * ${mw};`);
    L.push(`return y[((a * ${mw} + b) * ${F} + o) * ${T} + n * ${TT} + ph * ${tilesW} + qw];`);
    return { source: build(['y'], L), size: v.N * F * v.OH * v.OW };
  })();

  const largest = Math.max(XI * F * C, XI * C * T, XI * F * T, v.N * C * v.IH * v.IW, v.N * F * v.OH * v.OW);
  return { mh, mw, tilesH, tilesW, weights, input, gemm, output, scatter, largest };
}

export interface WinogradWeightGradKernels {
  /** dy [N, OC, OH, OW] → Z[ξ, o, t] = (A dy_t Aᵀ)[ξ] over whole tiles (dy padded with zeros to them first). */
  outputGrad: { source: KernelSource; size: [number, number] };
  /** dU[ξ, o, c] = Σ_t Z[ξ, o, t] · V[ξ, c, t] (V: the forward's transformed input tiles). */
  gemm: { source: KernelSource; size: [number, number]; native: NativeOp };
  /** dg[o, c, k, l] = Σ_ξ G[i][k] G[j][l] dU[ξ, o, c], with the products G[i][k]·G[j][l] read from `coefficients`. */
  filterGrad: { source: KernelSource; size: [number, number] };
  coefficients: Float32Array;
  /** dy's extent once padded to whole tiles. */
  paddedH: number;
  paddedW: number;
}

/**
 * The weight gradient of the Winograd forward of `v` (not rotated): with y_t = Aᵀ(U ⊙ V_t)A,
 * dU = Σ_t (A dy_t Aᵀ) ⊙ V_t and dg = Gᵀ dU G — 2.25× fewer multiply-adds than correlating the
 * input with the delta directly, and V is the forward's own.
 */
export function winogradWeightGradKernels(v: WinogradConv, mh: number, mw: number): WinogradWeightGradKernels {
  if (v.rotated) throw new Error('Winograd weight gradient: only for the forward (unrotated) correlation');
  const { H, Wd, aH, aW, XI, tilesH, tilesW, TT, T } = tiling(v, mh, mw);
  const C = v.IC;
  const F = v.OC;
  const PH = tilesH * mh;
  const PW = tilesW * mw;

  // Z[ξ, o, t]: grid x = tt, y = (ξ·F + o)·N + n; reads the padded delta [N, F, PH, PW]
  const outputGrad = (() => {
    const L = ['const tt = this.thread.x;', 'const gy = this.thread.y;'];
    exactDiv(L, 'r0', 'gy', v.N);
    L.push(`const n = gy - r0 * ${v.N};`);
    exactDiv(L, 'xi', 'r0', F);
    L.push(`const o = r0 - xi * ${F};`);
    tileOf(L, tilesH, tilesW, TT);
    L.push(`const db = (n * ${F} + o) * ${PH * PW} + th * ${mh * PW} + tw * ${mw};`, 'let s = 0;');
    const branches = transformBranches(transpose(H.AT), transpose(Wd.AT), (a, b) => `dy[db + ${a * PW + b}]`);
    select(L, 'xi', branches);
    L.push('return s * live;');
    return { source: build(['dy'], L), size: [TT, XI * F * v.N] as [number, number] };
  })();

  // dU[ξ, o, c]: grid x = c, y = ξ·F + o; Z reads are uniform (splats), V one gather each
  const gemm = (() => {
    const L = ['const c = this.thread.x;', 'const gy = this.thread.y;'];
    exactDiv(L, 'xi', 'gy', F);
    L.push(`const o = gy - xi * ${F};`);
    // Z[ξ, o, n, tt] at (gy·N + n)·TT + tt; V[ξ, c, n, tt] at ((ξ·C + c)·N + n)·TT + tt
    L.push(`let zp = gy * ${T};`, `let vp = (xi * ${C} + c) * ${T};`, 'let s = 0;');
    blockedDot(L, T, 'z', 'zp', 'vv', 'vp', 1);
    L.push('return s;');
    const native: GemmNT = {
      kind: 'gemm-nt',
      J: C,
      rows: [
        { size: XI, a: F * T, b: C * T },
        { size: F, a: T, b: 0 },
      ],
      K: T,
      bJ: T,
      a: 0,
      b: 1,
    };
    return { source: build(['z', 'vv'], L), size: [C, XI * F] as [number, number], native };
  })();

  // dg[o, c, k, l]: grid x = (l, k, c) flat, y = o; coefficients[(k·KW + l)·XI + ξ] = G[i][k]·G[j][l]
  const taps = v.KH * v.KW;
  const coefficients = new Float32Array(taps * XI);
  for (let k = 0; k < v.KH; k++) {
    for (let l = 0; l < v.KW; l++) {
      for (let i = 0; i < aH; i++) for (let j = 0; j < aW; j++) coefficients[(k * v.KW + l) * XI + i * aW + j] = H.G[i][k] * Wd.G[j][l];
    }
  }
  const filterGrad = (() => {
    const L = ['const gx = this.thread.x;', 'const o = this.thread.y;'];
    exactDiv(L, 'c', 'gx', taps);
    L.push(`const tap = gx - c * ${taps};`, `const cb = tap * ${XI};`, `const ub = o * ${C} + c;`, 'let s = 0;');
    sumInto(L, 's', Array.from({ length: XI }, (_, x) => `coef[cb + ${x}] * du[ub + ${x * F * C}]`));
    L.push('return s;');
    return { source: build(['du', 'coef'], L), size: [C * taps, F] as [number, number] };
  })();

  return { outputGrad, gemm, filterGrad, coefficients, paddedH: PH, paddedW: PW };
}
