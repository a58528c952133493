/** The module bytes of a native operation (layers/native-op.ts) at the offsets of one plan step. */
import { nativeRows, type NativeOp } from '../../layers/native-op';
import { moduleBytes } from './wasm-bytes';
import { gemmNN, gemmNT } from './gemm-module';
import { col2im, im2col } from './copy-module';
import { poolMax } from './pool-module';
import type { NativeLayout } from './rows';

export function nativeModule(op: NativeOp, L: NativeLayout): Uint8Array {
  if (nativeRows(op) * op.J === 0) throw new Error('native kernel: empty grid');
  const body = op.kind === 'gemm-nn' ? gemmNN(op, L) : op.kind === 'gemm-nt' ? gemmNT(op, L) : op.kind === 'im2col' ? im2col(op, L) : op.kind === 'col2im' ? col2im(op, L) : poolMax(op, L);
  return moduleBytes(body, L.memory);
}
