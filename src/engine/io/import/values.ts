/**
 * What an ONNX value is while the graph is mapped: a constant (an initializer, a Constant node or
 * folded shape arithmetic — the numbers are known) or a live tensor computed by a Convas node.
 */
import type { Shape } from '../../graph/types';

/**
 * Stands for the batch dimension in folded shape arithmetic (Shape → Gather → Unsqueeze →
 * Concat → Reshape): not a real size, so a Reshape can tell "keep the batch" from a number.
 */
export const BATCH = -(2 ** 40);

export interface ConstValue {
  kind: 'const';
  dims: number[];
  data: Float32Array | number[];
  int: boolean;
}

export interface LiveValue {
  kind: 'live';
  /** The Convas node computing it. */
  node: string;
  /** Its per-sample ONNX dims (batch left out), in the ONNX layout. */
  dims: number[];
  /** nhwc: the ONNX tensor is the Convas node's output with channels last (a Keras/TF model before its input Transpose). */
  layout: 'nchw' | 'nhwc';
  /** Zero padding an ONNX Pad put before it [top, left, bottom, right], for the window layer that reads it. */
  pad?: [number, number, number, number];
  /** For a vector flattened from channels-last data: ONNX index i is Convas index perm[i]. */
  perm?: Int32Array;
  /** The Convas node outputs a vector of these values (a global pooling: ONNX keeps C×1×1). */
  vector?: true;
}

export type Value = ConstValue | LiveValue;

export function describeDims(dims: readonly (number | string)[]): string {
  return ['N', ...dims].join('×');
}

/** Convas's shape of a live value in the NCHW layout (what its Convas node outputs). */
export function convasDims(v: LiveValue): Shape {
  if (v.vector) return [v.dims.reduce((a, b) => a * b, 1)];
  if (v.layout === 'nhwc' && v.dims.length === 3) return [v.dims[2], v.dims[0], v.dims[1]];
  return v.dims;
}
