/**
 * WebAssembly for im2col and col2im (layers/native-op.ts): moving values, no arithmetic but adds.
 * gpu.js's own kernels pay a 4-lane gather and an index decode per value; here a stride-1 row
 * is copied (or, for col2im, accumulated) four values per v128 load and store.
 */
import type { Col2imOp, Im2colOp } from '../../layers/native-op';
import type { Body } from './wasm-bytes';
import { rowLoop, type NativeLayout } from './rows';

/** `while (n >= 4) { body(16 bytes); n -= 4 } while (n > 0) { tail(4 bytes); n-- }` with src/dst advancing. */
function runOf(b: Body, n: number, vector: (() => void) | null, scalar: () => void): void {
  if (vector) {
    b.block().loop();
    b.get(n).i32(4).ltS().brIf(1);
    vector();
    b.get(n).i32(4).sub().set(n);
    b.br(0).end().end();
  }
  b.block().loop();
  b.get(n).i32(1).ltS().brIf(1);
  scalar();
  b.get(n).i32(1).sub().set(n);
  b.br(0).end().end();
}

export function im2col(op: Im2colOp, L: NativeLayout): Body {
  return rowLoop(op, L, (r, b) => {
    const oh = b.local('i32');
    const segEnd = b.local('i32');
    const src = b.local('i32');
    const n = b.local('i32');
    // one output row (oh) of the window at a time
    b.block().loop();
    b.get(r.j).get(r.jEnd).geS().brIf(1);
    b.get(r.j).i32(op.OW).divU().set(oh);
    // segEnd = min(jEnd, (oh + 1)·OW)
    b.get(oh).i32(1).add().i32(op.OW).mul().set(segEnd);
    b.get(segEnd).get(r.jEnd).get(segEnd).get(r.jEnd).ltS().select().set(segEnd);
    // src = xRow + (oh·rowStride + (j − oh·OW)·SW)·4
    b.get(oh).i32(op.rowStride).mul().get(r.j).get(oh).i32(op.OW).mul().sub().i32(op.SW).mul().add().i32(2).shl().get(r.aBase).add().set(src);
    b.get(segEnd).get(r.j).sub().set(n);
    const step = (bytes: number) => {
      b.get(r.outp).i32(bytes).add().set(r.outp);
      b.get(src).i32(op.SW === 1 ? bytes : (bytes / 4) * op.SW * 4).add().set(src);
    };
    runOf(
      b,
      n,
      op.SW === 1
        ? () => {
            b.get(r.outp).get(src).v128Load().v128Store();
            step(16);
          }
        : null,
      () => {
        b.get(r.outp).get(src).f32Load().f32Store();
        step(4);
      },
    );
    b.get(segEnd).set(r.j);
    b.br(0).end().end();
  });
}

export function col2im(op: Col2imOp, L: NativeLayout): Body {
  const PQ = op.OH * op.OW;
  return rowLoop(op, L, (r, b) => {
    const h = b.local('i32');
    const oh = b.local('i32');
    const lo = b.local('i32');
    const hi = b.local('i32');
    const src = b.local('i32');
    const dst = b.local('i32');
    const n = b.local('i32');
    const row0 = b.local('i32');
    // row0: the output address of (y, 0); zero the columns [j, jEnd)
    b.get(r.outp).get(r.j).i32(2).shl().sub().set(row0);
    b.get(r.jEnd).get(r.j).sub().set(n);
    b.get(r.outp).set(dst);
    runOf(
      b,
      n,
      () => {
        b.get(dst).v128Zero().v128Store();
        b.get(dst).i32(16).add().set(dst);
      },
      () => {
        b.get(dst).f32Const0().f32Store();
        b.get(dst).i32(4).add().set(dst);
      },
    );
    b.get(r.y).i32(op.HC).remU().set(h);
    for (let kh = 0; kh < op.KH; kh++) {
      // skip the kernel row unless h − kh = oh·SH with 0 ≤ oh < OH (uniform over the row)
      b.block();
      b.get(h).i32(kh).sub().tee(oh).i32(0).ltS().brIf(0);
      if (op.SH > 1) {
        b.get(oh).i32(op.SH).remU().brIf(0);
        b.get(oh).i32(op.SH).divU().set(oh);
      }
      b.get(oh).i32(op.OH).geS().brIf(0);
      for (let kw = 0; kw < op.KW; kw++) {
        // columns w in [max(j, kw), min(jEnd, kw + OW)) take D[… + oh·OW + w − kw]
        b.get(r.j).i32(kw).get(r.j).i32(kw).gtS().select().set(lo);
        b.get(r.jEnd).i32(kw + op.OW).get(r.jEnd).i32(kw + op.OW).ltS().select().set(hi);
        b.get(hi).get(lo).sub().set(n);
        b.get(oh).i32(op.OW).mul().get(lo).add().i32((kh * op.KW + kw) * PQ - kw).add().i32(2).shl().get(r.aBase).add().set(src);
        b.get(lo).i32(2).shl().get(row0).add().set(dst);
        const step = (bytes: number) => {
          b.get(dst).i32(bytes).add().set(dst);
          b.get(src).i32(bytes).add().set(src);
        };
        runOf(
          b,
          n,
          () => {
            b.get(dst).get(dst).v128Load().get(src).v128Load().f32x4Add().v128Store();
            step(16);
          },
          () => {
            b.get(dst).get(dst).f32Load().get(src).f32Load().f32Add().f32Store();
            step(4);
          },
        );
      }
      b.end();
    }
  });
}
