/**
 * Constant folding: the shape arithmetic torch.onnx.export emits around a flatten
 * (Shape → Gather → Unsqueeze → Concat → Reshape) and Constant nodes, computed here so the
 * Reshape sees its target as numbers. The batch size is the symbol BATCH.
 */
import { Unmappable } from './errors';
import { attrInt, attrInts, constant, required, type OpContext } from './context';
import { tensorData } from './onnx-decode';
import { BATCH, type ConstValue, type Value } from './values';

export function ints(data: readonly number[], dims: number[] = [data.length]): ConstValue {
  return { kind: 'const', dims, data: [...data], int: true };
}

function intList(v: ConstValue, what: string): number[] {
  if (!v.int) throw new Unmappable(`the ${what} must be integers`);
  return v.data as number[];
}

export function foldConstant(c: OpContext): Value {
  const name = c.node.name || c.opType;
  const v = c.attrs.get('value');
  if (v !== undefined && typeof v === 'object' && !Array.isArray(v)) {
    const t = tensorData(v, `${name}: attribute value`);
    return { kind: 'const', ...t };
  }
  const f = c.attrs.get('value_float');
  if (typeof f === 'number') return { kind: 'const', dims: [], data: Float32Array.of(f), int: false };
  const fs = c.attrs.get('value_floats');
  if (Array.isArray(fs)) return { kind: 'const', dims: [fs.length], data: Float32Array.from(fs), int: false };
  const i = c.attrs.get('value_int');
  if (typeof i === 'number') return ints([i], []);
  const is = c.attrs.get('value_ints');
  if (Array.isArray(is)) return ints(is);
  throw new Unmappable('a Constant with no value, value_float(s) or value_int(s) attribute');
}

export function foldShape(c: OpContext): Value {
  const x = required(c, 0);
  const full = x.kind === 'live' ? [BATCH, ...x.dims] : x.dims;
  const n = full.length;
  const norm = (a: number) => Math.min(Math.max(a < 0 ? a + n : a, 0), n);
  return ints(full.slice(norm(attrInt(c, 'start', 0)), norm(attrInt(c, 'end', n))));
}

export function foldGather(c: OpContext): Value {
  const data = constant(c, 0, 'data');
  const idx = constant(c, 1, 'indices');
  if (data.dims.length !== 1 || attrInt(c, 'axis', 0) !== 0) throw new Unmappable('Convas folds Gather only on a 1-D constant along axis 0 (shape arithmetic)');
  const n = data.data.length;
  const picked = intList(idx, 'indices').map((i) => {
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new Unmappable(`index ${i} is outside the ${n} values gathered from`);
    return data.data[j];
  });
  return { kind: 'const', dims: idx.dims, data: data.int ? picked : Float32Array.from(picked), int: data.int };
}

function axesOf(c: OpContext): number[] | null {
  if (c.opset >= 13) {
    const a = c.input(1);
    if (!a) return null;
    if (a.kind !== 'const') throw new Unmappable('axes (input 1) must be constant');
    return intList(a, 'axes');
  }
  return attrInts(c, 'axes');
}

export function foldUnsqueeze(c: OpContext): Value {
  const x = constant(c, 0, 'data');
  const axes = axesOf(c);
  if (!axes) throw new Unmappable('Unsqueeze needs axes');
  const rank = x.dims.length + axes.length;
  const norm = axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  const dims = [...x.dims];
  for (const a of norm) dims.splice(a, 0, 1);
  return { ...x, dims };
}

export function foldSqueeze(c: OpContext): Value {
  const x = constant(c, 0, 'data');
  const axes = axesOf(c)?.map((a) => (a < 0 ? a + x.dims.length : a));
  return { ...x, dims: x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)) };
}

export function foldConcat(c: OpContext, parts: Value[]): Value {
  const list = parts as ConstValue[];
  if (list.some((p) => p.dims.length !== 1)) throw new Unmappable('Convas folds Concat of constants only for 1-D lists (shape arithmetic)');
  const data = list.flatMap((p) => [...p.data]);
  const int = list.every((p) => p.int);
  return { kind: 'const', dims: [data.length], data: int ? data : Float32Array.from(data), int };
}

export function foldCast(c: OpContext): Value {
  const x = constant(c, 0, 'input');
  const to = attrInt(c, 'to', 1);
  const toFloat = to === 1 || to === 10 || to === 11;
  if (toFloat) return { kind: 'const', dims: x.dims, data: x.data instanceof Float32Array ? x.data : Float32Array.from(x.data), int: false };
  return { kind: 'const', dims: x.dims, data: Array.from(x.data, (v) => (v === BATCH ? v : Math.trunc(v))), int: true };
}
