/**
 * What every native kernel module shares (see gemm-module.ts, copy-module.ts): where its arguments
 * are, and the loop over the rows and columns of the cells [start, end) it is given.
 */
import type { RowDigit } from '../../layers/native-op';
import { Body } from './wasm-bytes';

export interface NativeLayout {
  /** Byte offset of each kernel argument in the shared memory, by parameter position. */
  args: number[];
  /** Byte offset of the output. */
  output: number;
  memory: { initial: number; maximum: number; shared: boolean };
}

/** What the row loop needs of an operation: its grid, its row digits, the arguments they address. */
export interface RowShape {
  J: number;
  rows: RowDigit[];
  a: number;
  b?: number;
  rowBias?: number;
}

/**
 * The row loop every native kernel shares: for each row y the range [start, end) touches, the
 * row's columns [j, jEnd), A's / B's / the row bias's byte addresses from y's digits, the output
 * address of (y, j); `perRow` emits the columns.
 *
 * With `perGroup`, GROUP consecutive rows that share B (their innermost digit has no B stride, and
 * they differ only in it) and lie wholly inside the range go to `perGroup` together, row y's
 * locals standing for the first: register blocking, each B value loaded once for GROUP rows. A
 * cell computes the same sum in either path, so results never depend on where ranges fall.
 */
export const GROUP = 4;

export function groupable(op: RowShape): boolean {
  const inner = op.rows[op.rows.length - 1];
  return inner !== undefined && inner.b === 0 && inner.size >= GROUP;
}

export function rowLoop(
  op: RowShape,
  L: NativeLayout,
  perRow: (r: RowLocals, b: Body) => void,
  perGroup?: (r: RowLocals, b: Body) => void,
): Body {
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
  const y0 = b.local('i32');
  const inner = b.local('i32');
  const rowBias = op.rowBias;
  const grouped = perGroup !== undefined && groupable(op);
  const r: RowLocals = { j, jEnd, aBase, bBase, cBase, outp, y: y0 };
  b.get(0).set(cell);
  b.block().loop();
  b.get(cell).get(1).geS().brIf(1);
  b.get(cell).i32(op.J).divU().tee(y).set(y0);
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
    if (m === op.rows.length - 1) b.get(t).set(inner);
    if (d.a) b.get(aBase).get(t).i32(d.a).mul().add().set(aBase);
    if (d.b) b.get(bBase).get(t).i32(d.b).mul().add().set(bBase);
    if (rowBias !== undefined && d.bias) b.get(cBase).get(t).i32(d.bias).mul().add().set(cBase);
  }
  if (rowBias !== undefined) b.get(cBase).i32(2).shl().i32(L.args[rowBias]).add().set(cBase);
  b.get(aBase).i32(2).shl().i32(L.args[op.a]).add().set(aBase);
  if (op.b !== undefined) b.get(bBase).i32(2).shl().i32(L.args[op.b]).add().set(bBase);
  b.get(cell).i32(2).shl().i32(L.output).add().set(outp);
  if (grouped) {
    const last = op.rows[op.rows.length - 1];
    // a group: the row starts here, GROUP whole rows fit in the range, and in the innermost digit
    b.block().block();
    b.get(j).brIf(0);
    b.get(cell).i32(GROUP * op.J).add().get(1).gtS().brIf(0);
    b.get(inner).i32(GROUP).add().i32(last.size).gtS().brIf(0);
    b.get(cell).i32(GROUP * op.J).add().set(cell);
    perGroup!(r, b);
    b.br(1).end();
  }
  // cell advances by the row's share before the columns move j
  b.get(cell).get(jEnd).add().get(j).sub().set(cell);
  perRow(r, b);
  if (grouped) b.end();
  b.br(0).end().end();
  return b;
}

export interface RowLocals {
  /** The row index. */
  y: number;
  j: number;
  jEnd: number;
  aBase: number;
  bBase: number;
  /** Byte address of the row's bias (gemm-nn with rowBias). */
  cBase: number;
  outp: number;
}

/** `while (j + width <= jEnd) { body; j += width }` */
export function columns(b: Body, r: RowLocals, width: number, body: () => void): void {
  b.block().loop();
  b.get(r.j).i32(width).add().get(r.jEnd).gtS().brIf(1);
  body();
  b.get(r.j).i32(width).add().set(r.j);
  b.br(0).end().end();
}

