/**
 * Checkpoints: everything a run needs to go on exactly as if it had never stopped — weights,
 * optimizer slots, the dropout generator's state, where in which epoch it was, and the running
 * sums of the epoch in progress — in one binary file:
 *
 *   "CNVSCKPT"  u32 version  u32 header bytes  u32 CRC-32 of what follows
 *   header JSON (UTF-8), zero-padded to a multiple of 4
 *   float32 little-endian data of every tensor, in the header's order
 *
 * Binary, because JSON would be 3× larger and slow for large networks; the floats are the
 * exact bits, so a resumed run is bit-for-bit the uninterrupted one. Host-agnostic: writing
 * the file (atomically) is the store's job.
 */
import type { Normalization } from '../data/pipeline';
import { joinChunks } from '../io/bytes';
import { parseJsonBytes } from '../io/json-text';
import type { WeightMap } from './weights';

export const CHECKPOINT_MAGIC = 'CNVSCKPT';
export const CHECKPOINT_VERSION = 1;

/** Running sums of the epoch in progress. */
export interface EpochAccumulator {
  lossSum: number;
  correct: number;
  samples: number;
  steps: number;
  /** Seconds spent training in this epoch (for samples/s). */
  seconds: number;
}

export interface EpochMetricsRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface CheckpointState {
  /** The epoch in progress (0-based) and the next step in it. */
  epoch: number;
  step: number;
  /** Steps taken in total (the optimizer's step counter). */
  globalStep: number;
  /** Dropout generator state (Rng.getState). */
  rng: number[];
  accum: EpochAccumulator;
  lastMetrics: EpochMetricsRecord | null;
  normalization: Normalization | null;
  /**
   * What the run was: graph, data reference and hyperparameters, as JSON values; the host's own
   * arguments (the CLI's --out, --epochs …: `--resume` continues that run); and the
   * preprocessing its inputs got (data/preprocessing.ts), for weights saved from the checkpoint.
   */
  run: { graph: unknown; data: unknown; hyper: Record<string, unknown>; args?: Record<string, unknown>; preprocessing?: unknown };
  weights: WeightMap;
  optimizerState: WeightMap;
}

export interface CheckpointHeader extends Omit<CheckpointState, 'weights' | 'optimizerState'> {
  format: 'convas-checkpoint';
  tensors: { key: string; group: 'weights' | 'optimizer'; length: number }[];
}

type Header = CheckpointHeader;

export class CheckpointError extends Error {
  constructor(message: string, readonly where: string | null = null) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'CheckpointError';
  }
}

/** CRC-32 (IEEE), continued from `previous` — the signature of Node's zlib.crc32, which a host may pass instead. */
export type Crc32 = (bytes: Uint8Array, previous?: number) => number;

// slicing-by-8 tables: eight bytes per step, about twice the speed of the byte-wise loop
const CRC_TABLE = (() => {
  const t = new Uint32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  return t;
})();

export const crc32: Crc32 = (b, previous = 0) => {
  const t = CRC_TABLE;
  let c = ~previous;
  let i = 0;
  const n = b.length;
  for (; i + 8 <= n; i += 8) {
    const a = (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) ^ c;
    c =
      t[1792 + (a & 0xff)] ^ t[1536 + ((a >>> 8) & 0xff)] ^ t[1280 + ((a >>> 16) & 0xff)] ^ t[1024 + (a >>> 24)] ^
      t[768 + b[i + 4]] ^ t[512 + b[i + 5]] ^ t[256 + b[i + 6]] ^ t[b[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Magic, version, header bytes, CRC-32. */
export const CHECKPOINT_PREFIX_BYTES = 8 + 4 + 4 + 4;
const PREFIX = CHECKPOINT_PREFIX_BYTES;

const bytesOf = (t: Float32Array) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);

/**
 * The checkpoint as chunks, in file order: prefix, header, then a view of every tensor (no copy:
 * a checkpoint of any size needs no second buffer). The views alias the live tensors, so write
 * the chunks before training goes on. `crc` may be a faster native CRC-32 (Node's zlib.crc32).
 */
export function encodeCheckpointChunks(s: CheckpointState, crc: Crc32 = crc32): Uint8Array[] {
  if (!LITTLE_ENDIAN) throw new CheckpointError('checkpoints are written on little-endian machines only');
  const { weights, optimizerState, ...rest } = s;
  const tensors: Header['tensors'] = [
    ...Object.entries(weights).map(([key, t]) => ({ key, group: 'weights' as const, length: t.length })),
    ...Object.entries(optimizerState).map(([key, t]) => ({ key, group: 'optimizer' as const, length: t.length })),
  ];
  const header: Header = { format: 'convas-checkpoint', ...rest, tensors };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 4) * 4;
  const prefix = new Uint8Array(PREFIX);
  prefix.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  const view = new DataView(prefix.buffer);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, headerBytes, true);
  const head = new Uint8Array(headerBytes);
  head.set(json, 0);
  head.fill(0x20, json.length); // pad with spaces: still valid JSON
  const chunks = [prefix, head, ...tensors.map((t) => bytesOf(t.group === 'weights' ? weights[t.key] : optimizerState[t.key]))];
  let c = 0;
  for (let i = 1; i < chunks.length; i++) c = crc(chunks[i], c);
  view.setUint32(16, c, true);
  return chunks;
}

export function encodeCheckpoint(s: CheckpointState): Uint8Array {
  return joinChunks(encodeCheckpointChunks(s));
}

export type Fail = (message: string) => never;

/** The header length from the prefix, after the magic and version checks. */
export function readCheckpointPrefix(prefix: Uint8Array, fail: Fail): { headerBytes: number; crc: number } {
  if (prefix.length < PREFIX || new TextDecoder().decode(prefix.subarray(0, 8)) !== CHECKPOINT_MAGIC) fail('not a Convas checkpoint (it does not start with CNVSCKPT)');
  const view = new DataView(prefix.buffer, prefix.byteOffset, PREFIX);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) fail(`checkpoint version ${version}; this Convas reads version ${CHECKPOINT_VERSION}`);
  return { headerBytes: view.getUint32(12, true), crc: view.getUint32(16, true) };
}

/** The header, and the file size it implies. */
export function readCheckpointHeader(bytes: Uint8Array, fail: Fail): { header: Header; fileBytes: number } {
  let header: Header;
  try {
    header = parseJsonBytes(bytes) as Header; // UTF-8 and nesting checked: a crafted header cannot overflow a stack
  } catch (e) {
    return fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || header.format !== 'convas-checkpoint' || !Array.isArray(header.tensors)) fail('the header is not a Convas checkpoint header');
  for (const t of header.tensors) {
    if (!t || typeof t.key !== 'string' || (t.group !== 'weights' && t.group !== 'optimizer') || !Number.isSafeInteger(t.length) || t.length < 0) {
      fail(`the header lists a tensor that is not { key, group, length }: ${JSON.stringify(t)?.slice(0, 80)}`);
    }
  }
  const floats = header.tensors.reduce((n, t) => n + t.length, 0);
  return { header, fileBytes: PREFIX + bytes.length + 4 * floats };
}

/** The state from a checked header and its tensors. */
export function checkpointState(header: Header, tensor: (t: Header['tensors'][number]) => Float32Array): CheckpointState {
  const weights: WeightMap = {};
  const optimizerState: WeightMap = {};
  for (const t of header.tensors) (t.group === 'weights' ? weights : optimizerState)[t.key] = tensor(t);
  const { format: _format, tensors: _tensors, ...rest } = header;
  return { ...rest, weights, optimizerState };
}

/** Read a checkpoint; `where` (a path) is named in every error. */
export function decodeCheckpoint(bytes: Uint8Array, where: string | null = null): CheckpointState {
  const fail = (m: string): never => {
    throw new CheckpointError(m, where);
  };
  const { headerBytes, crc } = readCheckpointPrefix(bytes, fail);
  if (PREFIX + headerBytes > bytes.length) fail(`truncated: the header needs ${headerBytes} bytes, the file has ${bytes.length - PREFIX} after the prefix`);
  const { header, fileBytes: expected } = readCheckpointHeader(bytes.subarray(PREFIX, PREFIX + headerBytes), fail);
  if (bytes.length !== expected) fail(`${bytes.length < expected ? 'truncated' : 'too long'}: ${header.tensors.length} tensors need ${expected} bytes, the file has ${bytes.length}`);
  if (crc32(bytes.subarray(PREFIX)) !== crc) fail('corrupt: the checksum does not match the contents');
  let at = bytes.byteOffset + PREFIX + headerBytes;
  return checkpointState(header, (t) => {
    // copy: the tensor must own aligned memory of its own
    const data = new Float32Array(bytes.buffer.slice(at, at + 4 * t.length));
    at += 4 * t.length;
    return data;
  });
}

/** Where checkpoints go: a file system (written atomically) or memory (the browser build). */
export interface CheckpointStore {
  /** Replace the checkpoint at `path` (null: the store's own place) with the chunks, in order; returns where it is. */
  write(path: string | null, chunks: readonly Uint8Array[]): Promise<string>;
  /** The whole file's bytes. */
  read(location: string): Promise<Uint8Array>;
  /** The checked state, read piece by piece where the store can (no whole-file buffer). */
  load(location: string): Promise<CheckpointState>;
  /** A faster CRC-32 than the portable one, where the host has it. */
  readonly crc32?: Crc32;
  /** Whether `write` keeps the bytes somewhere the parent can reach by location (false: send them). */
  readonly durable: boolean;
}

/** Keeps the latest checkpoint per path in memory; locations are `memory:<path>`. */
export function memoryCheckpointStore(): CheckpointStore {
  const saved = new Map<string, Uint8Array>();
  const read = async (location: string) => {
    const b = saved.get(location);
    if (!b) throw new CheckpointError('no such checkpoint in memory', location);
    return b;
  };
  return {
    durable: false,
    async write(path, chunks) {
      const location = `memory:${path ?? 'latest'}`;
      saved.set(location, joinChunks(chunks)); // a copy: the chunks alias live tensors
      return location;
    },
    read,
    async load(location) {
      return decodeCheckpoint(await read(location), location);
    },
  };
}
