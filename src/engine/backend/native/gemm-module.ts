/**
 * WebAssembly SIMD code for the GEMMs of layers/native-op.ts, as a gpu.js webasm module body:
 * `run(start, end, seed)` computes the output cells [start, end) (gpu.js's worker pool hands each
 * worker a contiguous range; a range may start and end anywhere in a row).
 *
 * gemm-nn: one row × 16 columns per pass (four f32x4 accumulators; one A value splatted and four
 * contiguous B vectors per k), then × 4, then single cells; where rows share B (rows.ts GROUP),
 * 4 rows × 8 columns per pass (each B vector loaded once for four rows). Every cell is s = s + a·b
 * in k order in every path, so a cell's bits never depend on which path or worker computed it.
 * gemm-nt: one row × 4 cells per pass (one A vector against four B rows per quad of k, for every m
 * of the outer reduction), then single cells; grouped, 4 rows × 2 cells. Each cell sums its four
 * lanes as (l0 + l1) + (l2 + l3) and then the k left over of every m, in every path.
 */
import type { GemmNN, GemmNT } from '../../layers/native-op';
import type { Body } from './wasm-bytes';
import { columns, GROUP, rowLoop, type NativeLayout, type RowLocals } from './rows';

/** The innermost row digit's A and row-bias strides: how far row y + t's operands are from row y's. */
function innerStrides(op: GemmNN | GemmNT): { a: number; bias: number } {
  const d = op.rows[op.rows.length - 1];
  return { a: d.a, bias: d.bias ?? 0 };
}

export function gemmNN(op: GemmNN, L: NativeLayout): Body {
  const inner = innerStrides(op);
  // R rows at once (R = 1 or GROUP), in column passes of `widths` vectors then single cells
  const emit = (R: number, widths: number[]) => (r: RowLocals, b: Body) => {
    const pa = b.local('i32');
    const pb = b.local('i32');
    const k = b.local('i32');
    const av = b.local('v128');
    const bv = widths[0] > 1 ? Array.from({ length: widths[0] }, () => b.local('v128')) : [];
    const acc = Array.from({ length: R }, () => Array.from({ length: widths[0] }, () => b.local('v128')));
    const s = Array.from({ length: R }, () => b.local('f32'));
    const bs = b.local('f32');
    const aOf = (t: number) => t * inner.a * 4;
    const start = () => {
      b.get(r.aBase).set(pa);
      b.get(r.j).i32(2).shl().get(r.bBase).add().set(pb);
      b.i32(op.K).set(k);
    };
    const step = () => {
      b.get(pa).i32(op.aK * 4).add().set(pa);
      b.get(pb).i32(op.bK * 4).add().set(pb);
      b.get(k).i32(1).sub().tee(k).brIf(0).end();
    };
    // bias[j…] (per column) and bias[row] (per row), added after the sum in that order
    const addBias = (t: number, extra: number, vector: boolean) => {
      if (op.bias !== undefined) {
        b.get(r.j).i32(2).shl().i32(L.args[op.bias] + extra).add();
        if (vector) b.v128Load().f32x4Add();
        else b.f32Load().f32Add();
      }
      if (op.rowBias !== undefined) {
        b.get(r.cBase).f32Load(t * inner.bias * 4);
        if (vector) b.f32x4Splat().f32x4Add();
        else b.f32Add();
      }
    };
    for (const quads of widths) {
      columns(b, r, quads * 4, () => {
        for (let t = 0; t < R; t++) for (let q = 0; q < quads; q++) b.v128Zero().set(acc[t][q]);
        start();
        b.loop();
        if (R > 1) for (let q = 0; q < quads; q++) b.get(pb).v128Load(16 * q).set(bv[q]);
        for (let t = 0; t < R; t++) {
          b.get(pa).f32Load(aOf(t)).f32x4Splat().set(av);
          for (let q = 0; q < quads; q++) {
            b.get(acc[t][q]).get(av);
            if (R > 1) b.get(bv[q]);
            else b.get(pb).v128Load(16 * q);
            b.f32x4Mul().f32x4Add().set(acc[t][q]);
          }
        }
        step();
        for (let t = 0; t < R; t++) {
          for (let q = 0; q < quads; q++) {
            b.get(r.outp).get(acc[t][q]);
            addBias(t, 16 * q, true);
            b.v128Store(t * op.J * 4 + 16 * q);
          }
        }
        b.get(r.outp).i32(quads * 16).add().set(r.outp);
      });
    }
    columns(b, r, 1, () => {
      for (let t = 0; t < R; t++) b.f32Const0().set(s[t]);
      start();
      b.loop();
      b.get(pb).f32Load().set(bs);
      for (let t = 0; t < R; t++) b.get(s[t]).get(pa).f32Load(aOf(t)).get(bs).f32Mul().f32Add().set(s[t]);
      step();
      for (let t = 0; t < R; t++) {
        b.get(r.outp).get(s[t]);
        addBias(t, 0, false);
        b.f32Store(t * op.J * 4);
      }
      b.get(r.outp).i32(4).add().set(r.outp);
    });
  };
  return rowLoop(op, L, emit(1, [4, 1]), emit(GROUP, [2, 1]));
}

export function gemmNT(op: GemmNT, L: NativeLayout): Body {
  const quadsK = Math.floor(op.K / 4);
  const whole = 4 * quadsK;
  const rest = op.K - whole;
  const rowBytes = op.bJ * 4;
  const outer = op.outer ?? { size: 1, a: 0, b: 0 };
  const inner = innerStrides(op);
  const emit = (R: number, widths: number[]) => (r: RowLocals, b: Body) => {
    const pa = b.local('i32');
    const pb = b.local('i32');
    const pa2 = b.local('i32');
    const pb2 = b.local('i32');
    const k = b.local('i32');
    const m = b.local('i32');
    const av = b.local('v128');
    const bv = Array.from({ length: widths[0] }, () => b.local('v128'));
    const acc = Array.from({ length: R }, () => Array.from({ length: widths[0] }, () => b.local('v128')));
    const s = Array.from({ length: R }, () => Array.from({ length: widths[0] }, () => b.local('f32')));
    const aOf = (t: number) => t * inner.a * 4;
    // m walks the outer reduction: pa2/pb2 at its start for this m
    const outerLoop = (body: () => void) => {
      b.get(r.aBase).set(pa2);
      b.get(r.j).i32(rowBytes).mul().get(r.bBase).add().set(pb2);
      b.i32(outer.size).set(m);
      b.loop();
      body();
      b.get(pa2).i32(outer.a * 4).add().set(pa2);
      b.get(pb2).i32(outer.b * 4).add().set(pb2);
      b.get(m).i32(1).sub().tee(m).brIf(0).end();
    };
    for (const width of widths) {
      columns(b, r, width, () => {
        for (let t = 0; t < R; t++) for (let q = 0; q < width; q++) b.v128Zero().set(acc[t][q]);
        if (quadsK > 0) {
          outerLoop(() => {
            b.get(pa2).set(pa);
            b.get(pb2).set(pb);
            b.i32(quadsK).set(k);
            b.loop();
            for (let q = 0; q < width; q++) b.get(pb).v128Load(rowBytes * q).set(bv[q]);
            for (let t = 0; t < R; t++) {
              b.get(pa).v128Load(aOf(t)).set(av);
              for (let q = 0; q < width; q++) b.get(acc[t][q]).get(av).get(bv[q]).f32x4Mul().f32x4Add().set(acc[t][q]);
            }
            b.get(pa).i32(16).add().set(pa);
            b.get(pb).i32(16).add().set(pb);
            b.get(k).i32(1).sub().tee(k).brIf(0).end();
          });
        }
        // (l0 + l1) + (l2 + l3), then the k past the last whole quad of every m, in order
        for (let t = 0; t < R; t++) {
          for (let q = 0; q < width; q++) {
            b.get(acc[t][q]).f32x4Lane(0).get(acc[t][q]).f32x4Lane(1).f32Add();
            b.get(acc[t][q]).f32x4Lane(2).get(acc[t][q]).f32x4Lane(3).f32Add().f32Add().set(s[t][q]);
          }
        }
        if (rest > 0) {
          outerLoop(() => {
            for (let t = 0; t < R; t++) {
              for (let q = 0; q < width; q++) {
                for (let e = 0; e < rest; e++) {
                  b.get(s[t][q]).get(pa2).f32Load(aOf(t) + 4 * (whole + e)).get(pb2).f32Load(rowBytes * q + 4 * (whole + e)).f32Mul().f32Add().set(s[t][q]);
                }
              }
            }
          });
        }
        for (let t = 0; t < R; t++) {
          for (let q = 0; q < width; q++) {
            b.get(r.outp).get(s[t][q]);
            if (op.bias !== undefined) b.get(r.j).i32(2).shl().i32(L.args[op.bias] + 4 * q).add().f32Load().f32Add();
            b.f32Store(t * op.J * 4 + 4 * q);
          }
        }
        b.get(r.outp).i32(width * 4).add().set(r.outp);
      });
    }
  };
  return rowLoop(op, L, emit(1, [4, 1]), emit(GROUP, [2, 1]));
}
