/**
 * Reading an ONNX file's messages: the ModelProto (onnx-proto, shared with the export), each
 * node's attributes as plain values, each TensorProto's numbers. Every failure is an
 * OnnxImportError naming the field, the initializer or the node.
 */
import { onnx } from '../export/onnx-proto';
import { shortestFloat32 } from '../tensor';
import { OnnxImportError } from './errors';

/** A tensor this many numbers or larger is refused (2^31 − 1: what a Float32Array index and a Convas tensor hold). */
export const MAX_TENSOR_VALUES = 2 ** 31 - 1;

/** protobufjs gives int64 fields as Long objects (long.js is installed) or numbers. */
export function int(v: unknown, where: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v);
  if (!Number.isSafeInteger(n)) throw new OnnxImportError(`${where}: ${String(v)} is not an integer this importer can hold`, where);
  return n;
}

export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  if (bytes.length === 0) throw new OnnxImportError('the file is empty, not an ONNX model', 'model');
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new OnnxImportError(`not a readable ONNX model (protobuf: ${why}); the file may be truncated or not ONNX`, 'model');
  }
  if (!model.graph) throw new OnnxImportError('the model has no graph (ModelProto.graph is missing): not an ONNX model, or truncated', 'graph');
  return model;
}

/** The default-domain opset the model declares (ONNX's rule: an absent domain is ''). */
export function opsetOf(model: onnx.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry) throw new OnnxImportError('the model declares no ai.onnx opset (opset_import)', 'opset_import');
  return int(entry.version, 'opset_import.version');
}

export type AttrValue = number | number[] | string | onnx.ITensorProto;

const A = onnx.AttributeProto.AttributeType;

/** A node's attributes by name, as plain values; an attribute of a kind no mapping reads is kept out. */
export function attributes(node: onnx.INodeProto, where: string): Map<string, AttrValue> {
  const out = new Map<string, AttrValue>();
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    const at = `${where}: attribute ${name}`;
    switch (a.type) {
      case A.INT:
        out.set(name, int(a.i ?? 0, at));
        break;
      // float32 attributes read back as their shortest decimal: 1e-5, not 9.99999974e-6
      case A.FLOAT:
        out.set(name, shortestFloat32(a.f ?? 0));
        break;
      case A.INTS:
        out.set(name, (a.ints ?? []).map((v) => int(v, at)));
        break;
      case A.FLOATS:
        out.set(name, (a.floats ?? []).map(shortestFloat32));
        break;
      case A.STRING:
        out.set(name, new TextDecoder().decode(a.s ?? new Uint8Array()));
        break;
      case A.TENSOR:
        if (a.t) out.set(name, a.t);
        break;
      default:
        break;
    }
  }
  return out;
}

/** A tensor's numbers: floats as a Float32Array, integers as plain numbers. */
export interface TensorData {
  dims: number[];
  data: Float32Array | number[];
  int: boolean;
}

const T = onnx.TensorProto.DataType;

function checkedDims(t: onnx.ITensorProto, where: string): { dims: number[]; count: number } {
  const dims = (t.dims ?? []).map((d) => int(d, `${where}.dims`));
  let count = 1;
  for (const d of dims) {
    if (d < 0) throw new OnnxImportError(`${where}: dimension ${d} is negative (dims ${dims.join('×')})`, where);
    count *= d;
  }
  if (count > MAX_TENSOR_VALUES) throw new OnnxImportError(`${where}: dims ${dims.join('×')} make ${count.toExponential(2)} values, more than a tensor can hold (2^31 − 1)`, where);
  return { dims, count };
}

/** The numbers of one TensorProto (raw_data little-endian, or the typed repeated fields). */
export function tensorData(t: onnx.ITensorProto, where: string): TensorData {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new OnnxImportError(`${where}: its data is in an external file; save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))`, where);
  }
  const { dims, count } = checkedDims(t, where);
  const raw = t.rawData && t.rawData.length ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const expect = (bytesPer: number) => {
    if (raw && raw.length !== count * bytesPer) throw new OnnxImportError(`${where}: raw_data has ${raw.length} bytes, dims ${dims.join('×') || 'scalar'} need ${count * bytesPer}`, where);
  };
  const fromList = <V>(list: V[] | null | undefined, field: string, conv: (v: V) => number): number[] => {
    const l = list ?? [];
    if (l.length !== count) throw new OnnxImportError(`${where}: ${field} has ${l.length} values, dims ${dims.join('×') || 'scalar'} need ${count}`, where);
    return l.map(conv);
  };
  switch (t.dataType) {
    case T.FLOAT: {
      if (view) {
        expect(4);
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
        return { dims, data: out, int: false };
      }
      return { dims, data: Float32Array.from(fromList(t.floatData, 'float_data', Number)), int: false };
    }
    case T.DOUBLE: {
      if (view) {
        expect(8);
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
        return { dims, data: out, int: false };
      }
      return { dims, data: Float32Array.from(fromList(t.doubleData, 'double_data', Number)), int: false };
    }
    case T.INT64: {
      if (view) {
        expect(8);
        const out: number[] = [];
        for (let i = 0; i < count; i++) out.push(Number(view.getBigInt64(8 * i, true)));
        return { dims, data: out, int: true };
      }
      return { dims, data: fromList(t.int64Data, 'int64_data', (v) => int(v, `${where}.int64_data`)), int: true };
    }
    case T.INT32:
    case T.INT8:
    case T.UINT8:
    case T.INT16:
    case T.BOOL: {
      if (view) {
        const bytesPer = t.dataType === T.INT32 ? 4 : t.dataType === T.INT16 ? 2 : 1;
        expect(bytesPer);
        const out: number[] = [];
        for (let i = 0; i < count; i++) {
          out.push(bytesPer === 4 ? view.getInt32(4 * i, true) : bytesPer === 2 ? view.getInt16(2 * i, true) : t.dataType === T.INT8 ? view.getInt8(i) : view.getUint8(i));
        }
        return { dims, data: out, int: true };
      }
      return { dims, data: fromList(t.int32Data, 'int32_data', Number), int: true };
    }
    default: {
      const name = T[t.dataType ?? 0] ?? String(t.dataType);
      throw new OnnxImportError(`${where}: data type ${name} is not supported (float32, float64 or integers)`, where);
    }
  }
}
