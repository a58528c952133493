/**
 * What a mapping in the op table (ops.ts) sees of one ONNX node: its attributes, its inputs as
 * values, and a way to add Convas layers. Checks shared by several mappings live here too.
 */
import type { onnx } from '../export/onnx-proto';
import type { Padding } from '../../layers/params';
import type { AttrValue } from './onnx-decode';
import { Unmappable } from './errors';
import { describeDims, type ConstValue, type LiveValue, type Value } from './values';

export interface LayerTensors {
  [name: string]: Float32Array;
}

export interface OpContext {
  node: onnx.INodeProto;
  opType: string;
  /** The default-domain opset of the model (attributes moved to inputs over the versions). */
  opset: number;
  attrs: Map<string, AttrValue>;
  /** Input i, or null where the node leaves an optional input out. */
  input(i: number): Value | null;
  /** How many nodes (and graph outputs) read output i. */
  readers(output: number): number;
  /** How many nodes (and graph outputs) read the value `v` (by its producing node). */
  liveReaders(v: LiveValue): number;
  /** Adds a Convas layer fed by `inputs`; returns its id. */
  layer(type: string, params: Record<string, unknown>, inputs: LiveValue[], tensors?: LayerTensors): string;
  /** Says what became of a node that adds no layer (the mapping the CLI prints). */
  note(text: string): void;
  /** The params and tensors of a Convas layer added earlier (for folding an Add into a bias). */
  layerOf(id: string): { type: string; params: Record<string, unknown>; tensors: LayerTensors } | undefined;
}

export type OpMapping = (c: OpContext) => Value | Value[];

export function attrInt(c: OpContext, name: string, fallback: number): number {
  const v = c.attrs.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Unmappable(`attribute ${name} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

export function attrFloat(c: OpContext, name: string, fallback: number): number {
  const v = c.attrs.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Unmappable(`attribute ${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function attrInts(c: OpContext, name: string): number[] | null {
  const v = c.attrs.get(name);
  if (v === undefined) return null;
  if (!Array.isArray(v)) throw new Unmappable(`attribute ${name} must be a list of integers`);
  return v;
}

export function attrString(c: OpContext, name: string, fallback: string): string {
  const v = c.attrs.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new Unmappable(`attribute ${name} must be a string`);
  return v;
}

export function required(c: OpContext, i: number): Value {
  const v = c.input(i);
  if (!v) throw new Unmappable(`input ${i} is missing`);
  return v;
}

export function live(c: OpContext, i: number): LiveValue {
  const v = required(c, i);
  if (v.kind !== 'live') throw new Unmappable(`input ${i} is a constant; Convas maps ${c.opType} only on computed tensors`);
  return v;
}

export function constant(c: OpContext, i: number, what: string): ConstValue {
  const v = required(c, i);
  if (v.kind !== 'const') throw new Unmappable(`the ${what} (input ${i}) is computed in the graph; Convas needs it constant (an initializer)`);
  return v;
}

export function floats(v: ConstValue): Float32Array {
  return v.data instanceof Float32Array ? v.data : Float32Array.from(v.data);
}

/** An image tensor N×C×H×W in Convas's layout, with nothing pending that the layer cannot take. */
export function image(c: OpContext, i: number, opts: { pad?: 'zeros' } = {}): LiveValue {
  const v = live(c, i);
  if (v.vector) throw new Unmappable(`input ${i} (${describeDims(v.dims)}) comes from a global pooling, which Convas keeps as a vector; ${c.opType} needs an image`);
  if (v.dims.length !== 3) throw new Unmappable(`input ${i} is ${describeDims(v.dims)}; ${c.opType} maps to Convas only on images N×C×H×W`);
  if (v.layout !== 'nchw') throw new Unmappable(`input ${i} is channels-last (${describeDims(v.dims)}); Convas maps ${c.opType} on N×C×H×W (a Transpose to NCHW must come first)`);
  if (v.pad && opts.pad !== 'zeros') throw new Unmappable(`input ${i} comes from a Pad; ${c.opType} cannot take zero padding from a separate Pad`);
  return v;
}

/** A vector N×F (a flattened image or a Dense output). */
export function vector(c: OpContext, i: number, opts: { permuted?: boolean } = {}): LiveValue {
  const v = live(c, i);
  if (v.dims.length !== 1) throw new Unmappable(`input ${i} is ${describeDims(v.dims)}; ${c.opType} maps to Convas only on vectors N×F (flatten first)`);
  if (v.perm && !opts.permuted) throw new Unmappable(`input ${i} was flattened from channels-last data; Convas flattens channels first, and ${c.opType} cannot reorder it`);
  return v;
}

/** Same value on another Convas node: what an elementwise layer outputs. */
export function same(v: LiveValue, node: string): LiveValue {
  return { kind: 'live', node, dims: v.dims, layout: v.layout, ...(v.perm ? { perm: v.perm } : {}), ...(v.vector ? { vector: true } : {}) };
}

export interface WindowGeometry {
  padding: Padding;
  oh: number;
  ow: number;
}

/**
 * Convas's padding for an ONNX window (Conv, MaxPool, AveragePool): symmetric pads become
 * [rows, columns]; asymmetric ones are accepted where they are exactly "same" (TensorFlow's
 * extra pixel after); ceil_mode's extra window counts as padding after (MaxPool only — where an
 * AveragePool's divisor would change, it is refused).
 */
export function windowPadding(c: OpContext, x: LiveValue, k: [number, number], s: [number, number], opts: { ceil?: boolean } = {}): WindowGeometry {
  const [, H, W] = x.dims;
  const autoPad = attrString(c, 'auto_pad', 'NOTSET');
  let p = attrInts(c, 'pads') ?? [0, 0, 0, 0];
  if (p.length !== 4) throw new Unmappable(`pads has ${p.length} values; a 2-D window needs 4 [top, left, bottom, right]`);
  if (p.some((v) => v < 0)) throw new Unmappable(`pads ${p.join(',')} are negative (cropping); Convas pads only with zeros`);
  if (autoPad === 'VALID') p = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const tot = [0, 1].map((d) => Math.max((Math.ceil([H, W][d] / s[d]) - 1) * s[d] + k[d] - [H, W][d], 0));
    const before = tot.map((t) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    p = [before[0], before[1], tot[0] - before[0], tot[1] - before[1]];
  } else if (autoPad !== 'NOTSET') throw new Unmappable(`auto_pad ${autoPad} is not an ONNX value`);
  if (x.pad) p = p.map((v, i) => v + x.pad![i]);
  const [t, l, b, r] = p;
  const out = (n: number, k0: number, s0: number, before: number, after: number) => {
    const span = n + before + after - k0;
    if (span < 0) return 0;
    if (!opts.ceil) return Math.floor(span / s0) + 1;
    let o = Math.ceil(span / s0) + 1;
    // PyTorch and ONNX: the last window must start inside the input or its leading padding
    if ((o - 1) * s0 >= n + before) o--;
    return o;
  };
  const oh = out(H, k[0], s[0], t, b);
  const ow = out(W, k[1], s[1], l, r);
  if (oh < 1 || ow < 1) throw new Unmappable(`the window ${k.join('×')} does not fit the input ${H}×${W} with pads ${p.join(',')}`);
  // symmetric padding [t, l] gives the same windows wherever it gives as many (what lies past the
  // last window's end is never read): exporters write only the padding after that is used
  const sym = (n: number, k0: number, s0: number, p0: number) => Math.floor((n + 2 * p0 - k0) / s0) + 1;
  if (sym(H, k[0], s[0], t) === oh && sym(W, k[1], s[1], l) === ow) {
    return { padding: t === 0 && l === 0 ? 'valid' : [t, l], oh, ow };
  }
  const sh = Math.ceil(H / s[0]);
  const sw = Math.ceil(W / s[1]);
  const st = Math.floor(Math.max((sh - 1) * s[0] + k[0] - H, 0) / 2);
  const sl = Math.floor(Math.max((sw - 1) * s[1] + k[1] - W, 0) / 2);
  if (sh === oh && sw === ow && st === t && sl === l) return { padding: 'same', oh, ow };
  throw new Unmappable(
    `pads ${p.join(',')} [top, left, bottom, right]${opts.ceil ? ' with ceil_mode' : ''} on ${H}×${W} are neither symmetric nor "same"; Convas pads [rows, columns] on both sides, or "same" (the extra pixel after)`,
  );
}
