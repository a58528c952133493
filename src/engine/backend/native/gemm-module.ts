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
import { nativeRows, type GemmNN, type GemmNT, type NativeOp } from '../../layers/native-op';
import { Body, moduleBytes } from './wasm-bytes';

export interface NativeLayout {
  /** Byte offset of each kernel argument in the shared memory, by parameter position. */
  args: number[];
  /** Byte offset of the output. */
  output: number;
  memory: { initial: number; maximum: number; shared: boolean };
}

/** The shared part of both forms: the row loop, with `perRow` emitting the row's columns. */
function rowLoop(op: NativeOp, L: NativeLayout, perRow: (r: RowLocals, b: Body) => void): Body {
  const b = new Body();
  const cell = b.local('i32');
  const y = b.local('i32');
  const j = b.local('i32');
  const jEnd = b.local('i32');
  const aBase = b.local('i32');
  const bBase = b.local('i32');
  const outp = b.local('i32');
  const t = b.local('i32');
  const cBase = b.local('i32');
  const rowBias = op.kind === 'gemm-nn' ? op.rowBias : undefined;
  const r: RowLocals = { j, jEnd, aBase, bBase, cBase, outp };
  b.get(0).set(cell);
  b.block().loop();
  b.get(cell).get(1).geS().brIf(1);
  b.get(cell).i32(op.J).divU().set(y);
  b.get(cell).get(y).i32(op.J).mul().sub().set(j);
  // the row's end, clipped to the range: min(J, j + end − cell)
  b.get(j).get(1).add().get(cell).sub().tee(jEnd);
  b.i32(op.J).get(jEnd).i32(op.J).leS().select().set(jEnd);
  b.i32(0).set(aBase);
  b.i32(0).set(bBase);
  b.i32(0).set(cBase);
  for (let m = op.rows.length - 1; m >= 0; m--) {
    const d = op.rows[m];
    // t = y mod size; y = y div size
    b.get(y).i32(d.size).remU().set(t);
    b.get(y).i32(d.size).divU().set(y);
    if (d.a) b.get(aBase).get(t).i32(d.a).mul().add().set(aBase);
    if (d.b) b.get(bBase).get(t).i32(d.b).mul().add().set(bBase);
    if (rowBias !== undefined && d.bias) b.get(cBase).get(t).i32(d.bias).mul().add().set(cBase);
  }
  if (rowBias !== undefined) b.get(cBase).i32(2).shl().i32(L.args[rowBias]).add().set(cBase);
  b.get(aBase).i32(2).shl().i32(L.args[op.a]).add().set(aBase);
  b.get(bBase).i32(2).shl().i32(L.args[op.b]).add().set(bBase);
  b.get(cell).i32(2).shl().i32(L.output).add().set(outp);
  // cell advances by the row's share before the columns move j
  b.get(cell).get(jEnd).add().get(j).sub().set(cell);
  perRow(r, b);
  b.br(0).end().end();
  return b;
}

interface RowLocals {
  j: number;
  jEnd: number;
  aBase: number;
  bBase: number;
  /** Byte address of the row's bias (gemm-nn with rowBias). */
  cBase: number;
  outp: number;
}

/** `while (j + width <= jEnd) { body; j += width }` */
function columns(b: Body, r: RowLocals, width: number, body: () => void): void {
  b.block().loop();
  b.get(r.j).i32(width).add().get(r.jEnd).gtS().brIf(1);
  body();
  b.get(r.j).i32(width).add().set(r.j);
  b.br(0).end().end();
}

function gemmNN(op: GemmNN, L: NativeLayout): Body {
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

function gemmNT(op: GemmNT, L: NativeLayout): Body {
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

/** The module bytes for `op` at the given offsets. */
export function nativeModule(op: NativeOp, L: NativeLayout): Uint8Array {
  if (nativeRows(op) * op.J === 0) throw new Error('native kernel: empty grid');
  return moduleBytes(op.kind === 'gemm-nn' ? gemmNN(op, L) : gemmNT(op, L), L.memory);
}
