/**
 * A small builder over onnx-proto's message types: nodes, initializers and attributes for one
 * ONNX graph. The layer table (onnx-layers.ts) speaks to it; onnx.ts encodes what it holds.
 */
import { onnx } from './onnx-proto';

export type AttrValue = number | number[] | string | { float: number };

export interface OnnxInitializer {
  name: string;
  shape: readonly number[];
  data: Float32Array | BigInt64Array;
}

export class OnnxGraph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private used = new Set<string>();

  /** A value name not yet taken, from a wish. */
  fresh(wish: string): string {
    let name = wish;
    for (let i = 1; this.used.has(name); i++) name = `${wish}_${i}`;
    this.used.add(name);
    return name;
  }

  initializer(name: string, shape: readonly number[], data: Float32Array | BigInt64Array): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, shape, data });
    return n;
  }

  /** One operator; `output` is the wished name of its single output (made unique). */
  op(opType: string, inputs: string[], output: string, attrs: Record<string, AttrValue> = {}, name?: string): string {
    const out = this.fresh(output);
    this.nodes.push({ opType, input: inputs, output: [out], name: name ?? out, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return out;
  }
}

const A = onnx.AttributeProto.AttributeType;

function attribute(name: string, v: AttrValue): onnx.IAttributeProto {
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  return { name, type: A.FLOAT, f: v.float };
}
