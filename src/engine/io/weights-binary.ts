/**
 * Binary weights (`convas-weights` version 2): the safetensors layout, so a file holds weights of
 * any size, is read with typed-array views instead of parsing text, and opens as is in Python
 * (`safetensors.torch.load_file`) with PyTorch's names and layouts:
 *
 *   u64 little-endian N · N bytes of header JSON (UTF-8, space-padded so the data starts at a
 *   multiple of 8) · the data: every tensor's float32 little-endian values, back to back
 *
 * The header maps each tensor key to `{ "dtype": "F32", "shape": [...], "data_offsets": [b, e] }`
 * (byte offsets into the data) and `__metadata__` (string → string) holds the envelope:
 * `format`, `version`, `generatedBy` as they are, every other field (graph, metrics,
 * preprocessing, …) as JSON text. A plain safetensors file of float32 tensors (no Convas
 * metadata, e.g. saved from a PyTorch state_dict) reads too.
 *
 * Pure and host-free: this file lays out and parses bytes; `weights-file.node.ts` streams them to
 * and from disk, the browser build builds a Blob from the same chunks.
 */
import { describeValue, FormatError } from './errors';
import { parseJsonBytes, parseJsonText } from './json-text';
import { parseShape } from './tensor';

export const WEIGHTS_BINARY_VERSION = 2;

/** Safetensors' own limit on the header; a Convas header is a few kilobytes. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes 0–7 a u64 below 2^32, then `{`: never the start of JSON text (which has no NUL bytes). */
export function isWeightsBinary(head: Uint8Array): boolean {
  return head.length >= 9 && head[4] === 0 && head[5] === 0 && head[6] === 0 && head[7] === 0 && head[8] === 0x7b;
}

export interface BinaryEntry {
  key: string;
  shape: number[];
  /** Byte offsets from the start of the file. */
  begin: number;
  end: number;
}

export interface BinaryLayout {
  /** Where the data section starts (8 + header length). */
  dataStart: number;
  /** Total file size the header implies. */
  fileBytes: number;
  entries: BinaryEntry[];
  /** The envelope: format, version, generatedBy and the other fields, as JSON values. */
  envelope: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The header length N from the first 8 bytes (a u64 below 2^32), checked against the limit. */
export function headerLength(head: Uint8Array): number {
  if (head.length < 8 || head[4] !== 0 || head[5] !== 0 || head[6] !== 0 || head[7] !== 0) throw new FormatError('not a binary weights file (it must start with an 8-byte header length, then "{")');
  const view = new DataView(head.buffer, head.byteOffset, 8);
  const n = view.getUint32(0, true);
  if (n > MAX_HEADER_BYTES) throw new FormatError(`the header claims ${n} bytes; at most ${MAX_HEADER_BYTES} are allowed`);
  return n;
}

/** Metadata values back to the envelope: JSON text for every field but the three plain strings. */
function envelopeFrom(meta: unknown): Record<string, unknown> {
  if (meta === undefined) return { format: 'convas-weights', version: WEIGHTS_BINARY_VERSION };
  if (!isRecord(meta)) throw new FormatError(`__metadata__ must be an object of strings, got ${describeValue(meta)}`, '__metadata__');
  const out = Object.create(null) as Record<string, unknown>; // a "__proto__" key stays a key
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string') throw new FormatError(`__metadata__.${k} must be a string, got ${describeValue(v)}`, `__metadata__.${k}`);
    if (k === 'format' || k === 'generatedBy') out[k] = v;
    else if (k === 'version') out[k] = /^\d+$/.test(v) ? Number(v) : v;
    else {
      try {
        out[k] = parseJsonText(v); // depth-checked: nested metadata must not overflow a later walk
      } catch (e) {
        throw new FormatError(`__metadata__.${k} is not valid JSON text (${(e as Error).message})`, k);
      }
    }
  }
  // A PyTorch or TF safetensors file names its framework, not ours: take it as bare tensors.
  if (out.format === undefined || out.format === 'pt' || out.format === 'tf' || out.format === 'np') {
    return { ...Object.fromEntries(Object.entries(out).filter(([k]) => k !== 'format' && k !== 'version')), format: 'convas-weights', version: WEIGHTS_BINARY_VERSION };
  }
  return out;
}

/**
 * The layout a header describes, checked as safetensors requires: F32 only, offsets inside the
 * data, tensors back to back with no gap or overlap, sizes matching shapes, and the file exactly
 * as long as the data. `fileBytes` is the actual size of the file.
 */
export function parseBinaryHeader(headerBytes: Uint8Array, fileBytes: number): BinaryLayout {
  const dataStart = 8 + headerBytes.length;
  let raw: unknown;
  try {
    raw = parseJsonBytes(headerBytes); // UTF-8 checked with the byte offset, nesting bounded
  } catch (e) {
    throw new FormatError(`the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isRecord(raw)) throw new FormatError(`the header must be a JSON object, got ${describeValue(raw)}`);
  const envelope = envelopeFrom(raw.__metadata__);
  const entries: BinaryEntry[] = [];
  for (const [key, t] of Object.entries(raw)) {
    if (key === '__metadata__') continue;
    if (!isRecord(t)) throw new FormatError(`${key}: expected { "dtype", "shape", "data_offsets" }, got ${describeValue(t)}`, key);
    if (t.dtype !== 'F32') throw new FormatError(`${key}: dtype ${describeValue(t.dtype)} is not supported; Convas weights are float32 ("F32")`, key);
    const shape = parseShape(t.shape, key);
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      throw new FormatError(`${key}: data_offsets must be [begin, end] byte offsets, got ${describeValue(off)}`, key);
    }
    const [b, e] = off as [number, number];
    const count = shape.reduce((a, d) => a * d, 1);
    if (e - b !== 4 * count) throw new FormatError(`${key}: data_offsets [${b}, ${e}] hold ${e - b} bytes, shape ${shape.join('×')} needs ${4 * count}`, key);
    entries.push({ key, shape, begin: dataStart + b, end: dataStart + e });
  }
  // back to back from the start of the data: no holes a corrupt file could hide in, no overlap
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let at = dataStart;
  for (const t of sorted) {
    if (t.begin !== at) throw new FormatError(`${t.key}: its data starts at byte ${t.begin}, expected ${at} (tensors must follow each other with no gap or overlap)`, t.key);
    at = t.end;
  }
  if (at !== fileBytes) {
    throw new FormatError(`${at > fileBytes ? 'truncated' : 'too long'}: the header describes ${at} bytes, the file has ${fileBytes}`);
  }
  return { dataStart, fileBytes, entries, envelope };
}

/** The raw weights object (as a JSON file would give it, data as Float32Array) from a whole file. */
export function decodeWeightsBinary(bytes: Uint8Array): Record<string, unknown> {
  if (!LITTLE_ENDIAN) throw new FormatError('binary weights are read on little-endian machines only');
  if (bytes.length < 8) throw new FormatError(`truncated: ${bytes.length} bytes, not even the header length`);
  const n = headerLength(bytes);
  if (8 + n > bytes.length) throw new FormatError(`truncated: the header needs ${n} bytes, the file has ${bytes.length - 8} after the length`);
  const layout = parseBinaryHeader(bytes.subarray(8, 8 + n), bytes.length);
  const tensors = Object.create(null) as Record<string, { shape: number[]; data: Float32Array }>;
  for (const t of layout.entries) {
    // copy: each tensor owns aligned memory of its own
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + t.begin, bytes.byteOffset + t.end));
    tensors[t.key] = { shape: t.shape, data };
  }
  return { ...layout.envelope, tensors };
}

export interface BinaryTensor {
  key: string;
  shape: readonly number[];
  data: Float32Array;
}

/**
 * The file as chunks, in order: the length and header, then a view of each tensor's memory (no
 * copy, so memory stays bounded at any size). `envelope` holds format, version, generatedBy and
 * the other fields (JSON values; undefined ones are left out).
 */
export function encodeWeightsBinary(envelope: Record<string, unknown>, tensors: readonly BinaryTensor[]): Uint8Array[] {
  if (!LITTLE_ENDIAN) throw new FormatError('binary weights are written on little-endian machines only');
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(envelope)) {
    if (v === undefined || v === null) continue;
    meta[k] = typeof v === 'string' ? v : k === 'version' ? String(v) : JSON.stringify(v);
  }
  const header: Record<string, unknown> = { __metadata__: meta };
  let offset = 0;
  for (const t of tensors) {
    header[t.key] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const head = new Uint8Array(8 + padded);
  new DataView(head.buffer).setUint32(0, padded, true);
  head.set(json, 8);
  head.fill(0x20, 8 + json.length);
  return [head, ...tensors.map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))];
}
