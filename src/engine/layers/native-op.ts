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
}

/** C[y, j] = Σ_k A[aRow(y) + k·aK] · B[bRow(y) + k·bK + j]: B and C contiguous along j. */
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
}

/** C[y, j] = Σ_k A[aRow(y) + k] · B[bRow(y) + j·bJ + k]: both contiguous along the reduction. */
export interface GemmNT {
  kind: 'gemm-nt';
  J: number;
  rows: RowDigit[];
  K: number;
  bJ: number;
  a: number;
  b: number;
  bias?: number;
}

export type NativeOp = GemmNN | GemmNT;

export function nativeRows(op: NativeOp): number {
  return op.rows.reduce((n, d) => n * d.size, 1);
}

/** A's and B's row bases for row y. */
export function rowBases(op: NativeOp, y: number): { a: number; b: number } {
  let a = 0;
  let b = 0;
  for (let m = op.rows.length - 1; m >= 0; m--) {
    const d = op.rows[m];
    const digit = y % d.size;
    y = (y - digit) / d.size;
    a += digit * d.a;
    b += digit * d.b;
  }
  return { a, b };
}

/**
 * The operation in plain JavaScript, in float32 and the native code's order of additions
 * (gemm-nt: four lane sums over k ≡ 0..3 mod 4 of the whole quads, added as (l0 + l1) + (l2 + l3),
 * then the remaining k in order) — what tests hold the WebAssembly to, bit for bit.
 */
export function nativeReference(op: NativeOp, args: Float32Array[]): Float32Array {
  const A = args[op.a];
  const B = args[op.b];
  const bias = op.bias === undefined ? null : args[op.bias];
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
        const bRow = base.b + j * op.bJ;
        const whole = op.K - (op.K % 4);
        const lane = [0, 0, 0, 0];
        for (let k = 0; k < whole; k++) lane[k % 4] = f(lane[k % 4] + f(A[base.a + k] * B[bRow + k]));
        s = f(f(lane[0] + lane[1]) + f(lane[2] + lane[3]));
        for (let k = whole; k < op.K; k++) s = f(s + f(A[base.a + k] * B[bRow + k]));
      }
      out[y * op.J + j] = bias ? f(s + bias[j]) : s;
    }
  }
  return out;
}
