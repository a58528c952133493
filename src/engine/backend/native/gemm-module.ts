/**
 * WebAssembly SIMD code for the GEMMs of layers/native-op.ts, as a gpu.js webasm module body:
 * `run(start, end, seed)` computes the output cells [start, end) (gpu.js's worker pool hands each
 * worker a contiguous range; a range may start and end anywhere in a row).
 *
 * gemm-nn: one row × 16 columns per pass (four f32x4 accumulators; one A value splatted and four
 * contiguous B vectors per k), then × 4, then single cells. Every cell is s = s + a·b in k order
 * in every path, so a cell's bits never depend on which path or worker computed it.
 * gemm-nt: four cells per pass (one A vector against four B rows per quad of k, for every m of
 * the outer reduction), then single cells; each cell sums its four lanes as (l0 + l1) + (l2 + l3)
 * and then the k left over of every m, in every path.
 */
import type { GemmNN, GemmNT } from '../../layers/native-op';
import type { Body } from './wasm-bytes';
import { columns, rowLoop, type NativeLayout } from './rows';

export function gemmNN(op: GemmNN, L: NativeLayout): Body {
  return rowLoop(op, L, (r, b) => {
    const pa = b.local('i32');
    const pb = b.local('i32');
    const k = b.local('i32');
    const av = b.local('v128');
    const acc = [b.local('v128'), b.local('v128'), b.local('v128'), b.local('v128')];
    const s = b.local('f32');
    const biasAt = (extra: number) => b.get(r.j).i32(2).shl().i32(L.args[op.bias!] + extra).add();
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
    for (const quads of [4, 1]) {
      columns(b, r, quads * 4, () => {
        for (let q = 0; q < quads; q++) b.v128Zero().set(acc[q]);
        start();
        b.loop();
        b.get(pa).f32Load().f32x4Splat().set(av);
        for (let q = 0; q < quads; q++) b.get(acc[q]).get(av).get(pb).v128Load(16 * q).f32x4Mul().f32x4Add().set(acc[q]);
        step();
        for (let q = 0; q < quads; q++) {
          b.get(r.outp).get(acc[q]);
          if (op.bias !== undefined) biasAt(16 * q).v128Load().f32x4Add();
          if (op.rowBias !== undefined) b.get(r.cBase).f32Load().f32x4Splat().f32x4Add();
          b.v128Store(16 * q);
        }
        b.get(r.outp).i32(quads * 16).add().set(r.outp);
      });
    }
    columns(b, r, 1, () => {
      b.f32Const0().set(s);
      start();
      b.loop();
      b.get(s).get(pa).f32Load().get(pb).f32Load().f32Mul().f32Add().set(s);
      step();
      b.get(r.outp).get(s);
      if (op.bias !== undefined) biasAt(0).f32Load().f32Add();
      if (op.rowBias !== undefined) b.get(r.cBase).f32Load().f32Add();
      b.f32Store();
      b.get(r.outp).i32(4).add().set(r.outp);
    });
  });
}

export function gemmNT(op: GemmNT, L: NativeLayout): Body {
  const quadsK = Math.floor(op.K / 4);
  const whole = 4 * quadsK;
  const rest = op.K - whole;
  const rowBytes = op.bJ * 4;
  const outer = op.outer ?? { size: 1, a: 0, b: 0 };
  return rowLoop(op, L, (r, b) => {
    const pa = b.local('i32');
    const pb = b.local('i32');
    const pa2 = b.local('i32');
    const pb2 = b.local('i32');
    const k = b.local('i32');
    const m = b.local('i32');
    const av = b.local('v128');
    const acc = [b.local('v128'), b.local('v128'), b.local('v128'), b.local('v128')];
    const s = [b.local('f32'), b.local('f32'), b.local('f32'), b.local('f32')];
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
    for (const width of [4, 1]) {
      columns(b, r, width, () => {
        for (let q = 0; q < width; q++) b.v128Zero().set(acc[q]);
        if (quadsK > 0) {
          outerLoop(() => {
            b.get(pa2).set(pa);
            b.get(pb2).set(pb);
            b.i32(quadsK).set(k);
            b.loop();
            b.get(pa).v128Load().set(av);
            for (let q = 0; q < width; q++) b.get(acc[q]).get(av).get(pb).v128Load(rowBytes * q).f32x4Mul().f32x4Add().set(acc[q]);
            b.get(pa).i32(16).add().set(pa);
            b.get(pb).i32(16).add().set(pb);
            b.get(k).i32(1).sub().tee(k).brIf(0).end();
          });
        }
        // (l0 + l1) + (l2 + l3), then the k past the last whole quad of every m, in order
        for (let q = 0; q < width; q++) {
          b.get(acc[q]).f32x4Lane(0).get(acc[q]).f32x4Lane(1).f32Add();
          b.get(acc[q]).f32x4Lane(2).get(acc[q]).f32x4Lane(3).f32Add().f32Add().set(s[q]);
        }
        if (rest > 0) {
          outerLoop(() => {
            for (let q = 0; q < width; q++) {
              for (let e = 0; e < rest; e++) {
                b.get(s[q]).get(pa2).f32Load(4 * (whole + e)).get(pb2).f32Load(rowBytes * q + 4 * (whole + e)).f32Mul().f32Add().set(s[q]);
              }
            }
          });
        }
        for (let q = 0; q < width; q++) {
          b.get(r.outp).get(s[q]);
          if (op.bias !== undefined) b.get(r.j).i32(2).shl().i32(L.args[op.bias] + 4 * q).add().f32Load().f32Add();
          b.f32Store(4 * q);
        }
        b.get(r.outp).i32(width * 4).add().set(r.outp);
      });
    }
  });
}

