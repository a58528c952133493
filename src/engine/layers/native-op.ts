/**
 * Native operations: what a generated kernel computes, said as data, so a backend that can do
 * better than the kernel's own translation may run its own code for it.
 *
 * Why: gpu.js's webasm backend turns every read whose index varies along x into four scalar loads
 * and lane inserts (WebAssembly SIMD has no gather), so a GEMM written as a gpu.js kernel runs at
 * 0.84 GMAC/s on one core of the development machine; the same GEMM as hand-scheduled WebAssembly
 * SIMD (one row × 16 columns per step, contiguous vector loads) runs at 15.5 (docs/bench.md). The
 * kernel source stays the definition — cpu and webgpu run it, and tests hold the native code to
 * it — while webasm swaps in `backend/native/` code inside the same fused plan.
 *
 * Both forms compute a grid [J, rows] (cell y·J + j). The row index y is written in mixed radix,
 * outermost digit first; each digit moves A's and B's row base by its strides. Each output is
 * s = Σ_k a_k·b_k summed in k order (plus `bias[j]` after the sum where given). Argument positions
 * are those of the kernel's parameters.
 */

export interface RowDigit {
  size: number;
  /** How far A's row base moves per unit of this digit. */
  a: number;
  /** How far B's row base moves per unit of this digit. */
  b: number;
  /** gemm-nn with `rowBias`: how far the bias index moves per unit of this digit (0 when absent). */
  bias?: number;
}

/**
 * C[y, j] = Σ_k A[aRow(y) + k·aK] · B[bRow(y) + k·bK + j]: B and C contiguous along j. `bias`
 * adds bias[j]; `rowBias` adds bias[Σ digit·digit.bias] (a convolution's per-channel bias).
 */
export interface GemmNN {
  kind: 'gemm-nn';
  J: number;
  rows: RowDigit[];
  K: number;
  aK: number;
  bK: number;
  a: number;
  b: number;
  bias?: number;
  rowBias?: number;
}

/**
 * C[y, j] = Σ_m Σ_k A[aRow(y) + m·outer.a + k] · B[bRow(y) + m·outer.b + j·bJ + k]: both contiguous
 * along the inner reduction k; `outer` (absent: one m) walks a second, outer reduction (a
 * convolution's weight gradient sums over the batch that way).
 */
export interface GemmNT {
  kind: 'gemm-nt';
  J: number;
  rows: RowDigit[];
  K: number;
  bJ: number;
  outer?: { size: number; a: number; b: number };
  a: number;
  b: number;
  bias?: number;
}

/**
 * im2col rows: C[y, j] = X[xRow(y) + oh·rowStride + ow·SW] with j = oh·OW + ow, where `rows`
 * (their `a` strides) place xRow(y) at the input offset of y = (n, c, kh, kw).
 */
export interface Im2colOp {
  kind: 'im2col';
  J: number;
  rows: RowDigit[];
  OW: number;
  /** SH · the padded input's width. */
  rowStride: number;
  SW: number;
  a: number;
}

/**
 * col2im for stride 1 along the width: C[y, w] with y = (…, h) (h its innermost digit, size HC)
 * = Σ_kh Σ_kw D[dRow(y) + (kh·KW + kw)·OH·OW + oh·OW + w − kw] over kh ascending whose
 * h − kh = oh·SH with 0 ≤ oh < OH, then kw ascending with 0 ≤ w − kw < OW.
 */
export interface Col2imOp {
  kind: 'col2im';
  J: number;
  rows: RowDigit[];
  HC: number;
  KH: number;
  KW: number;
  SH: number;
  OH: number;
  OW: number;
  a: number;
}

/**
 * Max pooling over planes of H × W (pool-window.ts's kernels, cell for cell in flat order; `J` and
 * `rows` only restate the kernel's grid): `argmax` — per output cell the position ih·W + iw of the
 * first maximum of its window in (kh, kw) order, padding skipped (argument 0: x); `gather` — x at
 * that position (x, arg); `backward` — per input pixel the sum of dy over the windows whose argmax
 * it is (dy, arg); where windows tile the input (pool = stride, no padding) the one window's
 * (arg = pixel ? 1 : 0) · inside · dy, as the tiled kernel computes it.
 */
export interface PoolMaxOp {
  kind: 'pool-max';
  phase: 'argmax' | 'gather' | 'backward';
  J: number;
  rows: RowDigit[];
  H: number;
  W: number;
  KH: number;
  KW: number;
  SH: number;
  SW: number;
  PT: number;
  PL: number;
  OH: number;
  OW: number;
}

/** Whether the pooling windows tile the input (one window per pixel at most). */
export function poolTiles(op: Pick<PoolMaxOp, 'KH' | 'KW' | 'SH' | 'SW' | 'PT' | 'PL'>): boolean {
  return op.KH === op.SH && op.KW === op.SW && op.PT === 0 && op.PL === 0;
}

export type NativeOp = GemmNN | GemmNT | Im2colOp | Col2imOp | PoolMaxOp;

export function nativeRows(op: NativeOp): number {
  return op.rows.reduce((n, d) => n * d.size, 1);
}

/** A's, B's and the row bias's bases for row y. */
export function rowBases(op: NativeOp, y: number): { a: number; b: number; bias: number } {
  let a = 0;
  let b = 0;
  let bias = 0;
  for (let m = op.rows.length - 1; m >= 0; m--) {
    const d = op.rows[m];
    const digit = y % d.size;
    y = (y - digit) / d.size;
    a += digit * d.a;
    b += digit * d.b;
    bias += digit * (d.bias ?? 0);
  }
  return { a, b, bias };
}

/**
 * The operation in plain JavaScript, in float32 and the native code's order of additions
 * (gemm-nt: four lane sums over k ≡ 0..3 mod 4 of the whole quads of every m, added as
 * (l0 + l1) + (l2 + l3), then the remaining k of each m in order) — what tests hold the
 * WebAssembly to, bit for bit.
 */
export function nativeReference(op: NativeOp, args: Float32Array[]): Float32Array {
  if (op.kind === 'im2col' || op.kind === 'col2im') return copyReference(op, args[op.a]);
  if (op.kind === 'pool-max') return poolReference(op, args);
  const A = args[op.a];
  const bias = op.bias === undefined ? null : args[op.bias];
  const rowBias = op.kind === 'gemm-nn' && op.rowBias !== undefined ? args[op.rowBias] : null;
  const B = args[op.b];
  const rows = nativeRows(op);
  const out = new Float32Array(rows * op.J);
  const f = Math.fround;
  for (let y = 0; y < rows; y++) {
    const base = rowBases(op, y);
    for (let j = 0; j < op.J; j++) {
      let s = 0;
      if (op.kind === 'gemm-nn') {
        for (let k = 0; k < op.K; k++) s = f(s + f(A[base.a + k * op.aK] * B[base.b + k * op.bK + j]));
      } else {
        const outer = op.outer ?? { size: 1, a: 0, b: 0 };
        const whole = op.K - (op.K % 4);
        const lane = [0, 0, 0, 0];
        for (let m = 0; m < outer.size; m++) {
          const a = base.a + m * outer.a;
          const b = base.b + m * outer.b + j * op.bJ;
          for (let k = 0; k < whole; k++) lane[k % 4] = f(lane[k % 4] + f(A[a + k] * B[b + k]));
        }
        s = f(f(lane[0] + lane[1]) + f(lane[2] + lane[3]));
        for (let m = 0; m < outer.size; m++) {
          const a = base.a + m * outer.a;
          const b = base.b + m * outer.b + j * op.bJ;
          for (let k = whole; k < op.K; k++) s = f(s + f(A[a + k] * B[b + k]));
        }
      }
      if (bias) s = f(s + bias[j]);
      if (rowBias) s = f(s + rowBias[base.bias]);
      out[y * op.J + j] = s;
    }
  }
  return out;
}

function copyReference(op: Im2colOp | Col2imOp, X: Float32Array): Float32Array {
  const rows = nativeRows(op);
  const out = new Float32Array(rows * op.J);
  for (let y = 0; y < rows; y++) {
    const base = rowBases(op, y).a;
    for (let j = 0; j < op.J; j++) {
      if (op.kind === 'im2col') {
        const oh = Math.floor(j / op.OW);
        out[y * op.J + j] = X[base + oh * op.rowStride + (j - oh * op.OW) * op.SW];
        continue;
      }
      const h = y % op.HC;
      let s = 0;
      for (let kh = 0; kh < op.KH; kh++) {
        const th = h - kh;
        if (th < 0 || th % op.SH !== 0 || th / op.SH >= op.OH) continue;
        const oh = th / op.SH;
        for (let kw = 0; kw < op.KW; kw++) {
          const ow = j - kw;
          if (ow >= 0 && ow < op.OW) s = Math.fround(s + X[base + (kh * op.KW + kw) * op.OH * op.OW + oh * op.OW + ow]);
        }
      }
      out[y * op.J + j] = s;
    }
  }
  return out;
}

function poolReference(op: PoolMaxOp, args: Float32Array[]): Float32Array {
  const f = Math.fround;
  const HW = op.H * op.W;
  const OHW = op.OH * op.OW;
  const out = new Float32Array(nativeRows(op) * op.J);
  for (let cell = 0; cell < out.length; cell++) {
    if (op.phase === 'argmax' || op.phase === 'gather') {
      const plane = Math.floor(cell / OHW);
      const p = cell - plane * OHW;
      if (op.phase === 'gather') {
        out[cell] = args[0][plane * HW + args[1][cell]];
        continue;
      }
      const oh = Math.floor(p / op.OW);
      const ow = p - oh * op.OW;
      let best = 0;
      let at = -1;
      for (let kh = 0; kh < op.KH; kh++) {
        const ih = oh * op.SH - op.PT + kh;
        if (ih < 0 || ih >= op.H) continue;
        for (let kw = 0; kw < op.KW; kw++) {
          const iw = ow * op.SW - op.PL + kw;
          if (iw < 0 || iw >= op.W) continue;
          const v = args[0][plane * HW + ih * op.W + iw];
          if (at < 0 || v > best) {
            best = v;
            at = ih * op.W + iw;
          }
        }
      }
      out[cell] = at;
      continue;
    }
    const [dy, arg] = args;
    const plane = Math.floor(cell / HW);
    const pos = cell - plane * HW;
    const ih = Math.floor(pos / op.W);
    const iw = pos - ih * op.W;
    if (poolTiles(op)) {
      const oh = Math.floor(ih / op.SH);
      const ow = Math.floor(iw / op.SW);
      const inside = oh < op.OH && ow < op.OW ? 1 : 0;
      const o = plane * OHW + Math.min(oh, op.OH - 1) * op.OW + Math.min(ow, op.OW - 1);
      out[cell] = f((arg[o] === pos ? 1 : 0) * inside * dy[o]);
      continue;
    }
    let s = 0;
    for (let kh = 0; kh < op.KH; kh++) {
      const th = ih + op.PT - kh;
      if (th < 0 || th % op.SH !== 0 || th / op.SH >= op.OH) continue;
      for (let kw = 0; kw < op.KW; kw++) {
        const tw = iw + op.PL - kw;
        if (tw < 0 || tw % op.SW !== 0 || tw / op.SW >= op.OW) continue;
        const o = plane * OHW + (th / op.SH) * op.OW + tw / op.SW;
        if (arg[o] === pos) s = f(s + dy[o]);
      }
    }
    out[cell] = s;
  }
  return out;
}

/** How many arguments `op` reads (its highest argument position + 1). */
export function nativeArity(op: NativeOp): number {
  if (op.kind === 'pool-max') return op.phase === 'argmax' ? 1 : 2;
  if (op.kind === 'im2col' || op.kind === 'col2im') return op.a + 1;
  return Math.max(op.a, op.b, op.bias ?? -1, op.kind === 'gemm-nn' ? (op.rowBias ?? -1) : -1) + 1;
}

/**
 * `op` as a plain gpu.js kernel over the grid [J, rows] (loops; for kernels that exist only to be
 * replaced by native code: what gpu.js's analysis sees, and what runs if native kernels are off).
 * Indices live in f32 variables: only for tensors under 2^24 values (webasm's limit anyway).
 */
export function nativeSource(op: GemmNN | GemmNT): (...args: never[]) => number {
  const L = ['const j = this.thread.x;', 'let y = this.thread.y;', 'let ab = 0;', 'let bb = 0;', 'let cb = 0;', 'let d = 0;'];
  for (let m = op.rows.length - 1; m >= 0; m--) {
    const r = op.rows[m];
    L.push(`d = y - Math.floor(y / ${r.size}) * ${r.size};`, `y = Math.floor(y / ${r.size});`, `ab += d * ${r.a};`, `bb += d * ${r.b};`, `cb += d * ${r.bias ?? 0};`);
  }
  L.push('let s = 0;');
  if (op.kind === 'gemm-nn') {
    L.push(`for (let k = 0; k < ${op.K}; k++) {`, `  s += p${op.a}[ab + k * ${op.aK}] * p${op.b}[bb + k * ${op.bK} + j];`, '}');
  } else {
    const outer = op.outer ?? { size: 1, a: 0, b: 0 };
    L.push(`for (let m = 0; m < ${outer.size}; m++) {`, `for (let k = 0; k < ${op.K}; k++) {`);
    L.push(`  s += p${op.a}[ab + m * ${outer.a} + k] * p${op.b}[bb + m * ${outer.b} + j * ${op.bJ} + k];`, '}', '}');
  }
  if (op.bias !== undefined) L.push(`s += p${op.bias}[j];`);
  if (op.kind === 'gemm-nn' && op.rowBias !== undefined) L.push(`s += p${op.rowBias}[cb];`);
  L.push('return s;');
  const params = Array.from({ length: nativeArity(op) }, (_, i) => `p${i}`);
  return new Function(...params, L.join('\n')) as (...args: never[]) => number;
}
