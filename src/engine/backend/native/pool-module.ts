/**
 * WebAssembly for max pooling (layers/native-op.ts `pool-max`): per cell, in flat order, scalar
 * code — a window scan or a few loads — in place of gpu.js's lane gathers and exact-division
 * decodes. Cell for cell the same values as pool-window.ts's kernels (same window order, same
 * tie rule, the tiled backward's mask · dy product).
 */
import { poolTiles, type PoolMaxOp } from '../../layers/native-op';
import { Body } from './wasm-bytes';
import type { NativeLayout } from './rows';

/** `for (cell = start; cell < end; cell++) body()` */
function cellLoop(b: Body, cell: number, body: () => void): void {
  b.get(0).set(cell);
  b.block().loop();
  b.get(cell).get(1).geS().brIf(1);
  body();
  b.get(cell).i32(1).add().set(cell);
  b.br(0).end().end();
}

/** `for (v = 0; v < n; v++) body()` (n ≥ 1) */
function countLoop(b: Body, v: number, n: number, body: () => void): void {
  b.i32(0).set(v);
  b.loop();
  body();
  b.get(v).i32(1).add().tee(v).i32(n).ltS().brIf(0);
  b.end();
}

export function poolMax(op: PoolMaxOp, L: NativeLayout): Body {
  const b = new Body();
  const cell = b.local('i32');
  const plane = b.local('i32');
  const p = b.local('i32');
  const oh = b.local('i32');
  const ow = b.local('i32');
  const kh = b.local('i32');
  const kw = b.local('i32');
  const ih = b.local('i32');
  const iw = b.local('i32');
  const at = b.local('i32');
  const o = b.local('i32');
  const v = b.local('f32');
  const best = b.local('f32');
  const s = b.local('f32');
  const HW = op.H * op.W;
  const OHW = op.OH * op.OW;
  const [A, B] = L.args;
  const out = () => b.get(cell).i32(2).shl().i32(L.output).add();
  // dy[o] / arg[o] for output cell o
  const atOut = (base: number) => b.get(o).i32(2).shl().i32(base).add();
  // cell → plane, position p in the plane, and p's row and column (plane size, row width)
  const decode = (size: number, width: number, row: number, col: number) => {
    b.get(cell).i32(size).divU().set(plane);
    b.get(cell).get(plane).i32(size).mul().sub().set(p);
    b.get(p).i32(width).divU().set(row);
    b.get(p).get(row).i32(width).mul().sub().set(col);
  };

  if (op.phase === 'argmax') {
    cellLoop(b, cell, () => {
      decode(OHW, op.OW, oh, ow);
      b.f32Const0().set(best);
      b.i32(-1).set(at);
      countLoop(b, kh, op.KH, () => {
        b.block();
        b.get(oh).i32(op.SH).mul().i32(-op.PT).add().get(kh).add().tee(ih).i32(op.H).ltU().eqz().brIf(0);
        countLoop(b, kw, op.KW, () => {
          b.block();
          b.get(ow).i32(op.SW).mul().i32(-op.PL).add().get(kw).add().tee(iw).i32(op.W).ltU().eqz().brIf(0);
          b.get(plane).i32(HW).mul().get(ih).i32(op.W).mul().add().get(iw).add().i32(2).shl().i32(A).add().f32Load().set(v);
          // the first maximum in window order: take v when nothing is taken yet or v is larger
          b.get(at).i32(0).ltS().get(v).get(best).f32Gt().or().eqz().brIf(0);
          b.get(v).set(best);
          b.get(ih).i32(op.W).mul().get(iw).add().set(at);
          b.end();
        });
        b.end();
      });
      out().get(at).i32ToF32().f32Store();
    });
  } else if (op.phase === 'gather') {
    cellLoop(b, cell, () => {
      b.get(cell).i32(OHW).divU().set(plane);
      out();
      b.get(plane).i32(HW).mul().get(cell).i32(2).shl().i32(B).add().f32Load().f32ToI32().add().i32(2).shl().i32(A).add().f32Load();
      b.f32Store();
    });
  } else if (poolTiles(op)) {
    cellLoop(b, cell, () => {
      decode(HW, op.W, ih, iw);
      b.get(ih).i32(op.SH).divU().set(oh);
      b.get(iw).i32(op.SW).divU().set(ow);
      // inside: oh < OH and ow < OW; o from the clamped window
      b.get(oh).i32(op.OH).ltS().get(ow).i32(op.OW).ltS().and().set(kh);
      b.get(oh).i32(op.OH - 1).get(oh).i32(op.OH - 1).ltS().select().set(oh);
      b.get(ow).i32(op.OW - 1).get(ow).i32(op.OW - 1).ltS().select().set(ow);
      b.get(plane).i32(OHW).mul().get(oh).i32(op.OW).mul().add().get(ow).add().set(o);
      // ((arg[o] === p ? 1 : 0) · inside) · dy[o], in f32 as the kernel computes it
      out();
      atOut(B).f32Load().get(p).i32ToF32().f32Eq().get(kh).and().i32ToF32();
      atOut(A).f32Load().f32Mul();
      b.f32Store();
    });
  } else {
    cellLoop(b, cell, () => {
      decode(HW, op.W, ih, iw);
      b.f32Const0().set(s);
      countLoop(b, kh, op.KH, () => {
        // th = ih + PT − kh = oh·SH with 0 ≤ oh < OH (th in `oh` until divided)
        b.block();
        b.get(ih).i32(op.PT).add().get(kh).sub().tee(oh).i32(0).ltS().brIf(0);
        b.get(oh).i32(op.SH).remU().brIf(0);
        b.get(oh).i32(op.SH).divU().tee(oh).i32(op.OH).geS().brIf(0);
        countLoop(b, kw, op.KW, () => {
          b.block();
          b.get(iw).i32(op.PL).add().get(kw).sub().tee(ow).i32(0).ltS().brIf(0);
          b.get(ow).i32(op.SW).remU().brIf(0);
          b.get(ow).i32(op.SW).divU().tee(ow).i32(op.OW).geS().brIf(0);
          b.get(plane).i32(OHW).mul().get(oh).i32(op.OW).mul().add().get(ow).add().set(o);
          atOut(B).f32Load().get(p).i32ToF32().f32Eq().eqz().brIf(0);
          b.get(s);
          atOut(A).f32Load().f32Add().set(s);
          b.end();
        });
        b.end();
      });
      out().get(s).f32Store();
    });
  }
  return b;
}
