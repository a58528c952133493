/**
 * Tensor JSON — `{ "shape": [N, C, H, W], "data": [...] }`, data flat and row-major — and the
 * number handling the weights file shares: every value must be a finite float32, and values are
 * written with the fewest digits that read back to the same float32.
 */
import { describeValue, FormatError } from './errors';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

const MAX_ELEMENTS = 2 ** 31 - 1;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A shape: a non-empty list of whole numbers ≥ 1 whose product fits an array. */
export function parseShape(raw: unknown, where: string): number[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new FormatError(`${where}: shape must be a non-empty list of sizes, got ${describeValue(raw)}`, where);
  let n = 1;
  raw.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw new FormatError(`${where}: shape[${i}] must be a whole number ≥ 1, got ${describeValue(d)}`, where);
    }
    n *= d;
  });
  if (n > MAX_ELEMENTS) throw new FormatError(`${where}: shape ${raw.join('×')} has ${n} elements, more than a tensor can hold`, where);
  return raw as number[];
}

/**
 * Flat numbers → Float32Array, naming the first bad value: not a number (JSON has no NaN, so a
 * NaN saved by JSON.stringify arrives as null), infinite (`1e999`), or beyond float32's range.
 * A Float32Array (from binary weights) is taken as it is once its length and values are checked.
 */
export function parseFloatData(raw: unknown, expected: number, where: string): Float32Array {
  if (raw instanceof Float32Array) {
    // binary weights: already float32, only the count and finiteness are left to check
    if (raw.length !== expected) throw new FormatError(`${where}: data has ${raw.length} values, the shape needs ${expected}`, where);
    checkFinite(raw, where);
    return raw;
  }
  if (!Array.isArray(raw)) throw new FormatError(`${where}: data must be a flat list of numbers, got ${describeValue(raw)}`, where);
  if (raw.length !== expected) {
    throw new FormatError(`${where}: data has ${raw.length} values, the shape needs ${expected}`, where);
  }
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    const v: unknown = raw[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new FormatError(`${where}: data[${i}] is ${describeValue(v)}, not a finite number`, where);
    }
    const f = Math.fround(v);
    if (!Number.isFinite(f)) throw new FormatError(`${where}: data[${i}] = ${v} is beyond the float32 range`, where);
    out[i] = f;
  }
  return out;
}

/** Refuse a NaN or infinity, naming the tensor and the index (JSON cannot hold them either). */
export function checkFinite(data: Float32Array, where: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) throw new FormatError(`${where}: data[${i}] is ${v}, not a finite number`, where);
  }
}

/** Read `{ shape, data }` (extra fields refused, so a typo cannot pass unseen). */
export function parseTensor(raw: unknown, where = 'tensor'): Tensor {
  if (!isRecord(raw)) throw new FormatError(`${where}: expected an object { "shape": [...], "data": [...] }, got ${describeValue(raw)}`, where);
  const extra = Object.keys(raw).filter((k) => k !== 'shape' && k !== 'data');
  if (extra.length) throw new FormatError(`${where}: unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}`, where);
  const shape = parseShape(raw.shape, where);
  const data = parseFloatData(raw.data, shape.reduce((a, b) => a * b, 1), where);
  return { shape, data };
}

/**
 * The shortest decimal that reads back as the same float32 (`0.1` instead of
 * `0.10000000149011612`), so files are about half the size. More digits never round-trip worse,
 * so the fewest digits that work are found by bisection over 1–9 (9 always suffice).
 */
export function shortestFloat32(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(x.toPrecision(mid))) === x) hi = mid;
    else lo = mid + 1;
  }
  return Number(x.toPrecision(lo));
}

/** Float32 values as JSON numbers; a non-finite value is refused (JSON cannot hold it). */
export function floatDataToJson(data: Float32Array, where: string): number[] {
  const out = new Array<number>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new FormatError(`${where}: data[${i}] is ${v}; JSON can only store finite numbers`, where);
    out[i] = shortestFloat32(v);
  }
  return out;
}

export function tensorToJson(t: Tensor, where = 'tensor'): { shape: number[]; data: number[] } {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) throw new FormatError(`${where}: shape ${t.shape.join('×')} needs ${n} values, got ${t.data.length}`, where);
  return { shape: [...t.shape], data: floatDataToJson(t.data, where) };
}
