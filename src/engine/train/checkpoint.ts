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

interface Header extends Omit<CheckpointState, 'weights' | 'optimizerState'> {
  format: 'convas-checkpoint';
  tensors: { key: string; group: 'weights' | 'optimizer'; length: number }[];
}

export class CheckpointError extends Error {
  constructor(message: string, readonly where: string | null = null) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'CheckpointError';
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const PREFIX = 8 + 4 + 4 + 4;

export function encodeCheckpoint(s: CheckpointState): Uint8Array {
  if (!LITTLE_ENDIAN) throw new CheckpointError('checkpoints are written on little-endian machines only');
  const { weights, optimizerState, ...rest } = s;
  const tensors: Header['tensors'] = [
    ...Object.entries(weights).map(([key, t]) => ({ key, group: 'weights' as const, length: t.length })),
    ...Object.entries(optimizerState).map(([key, t]) => ({ key, group: 'optimizer' as const, length: t.length })),
  ];
  const header: Header = { format: 'convas-checkpoint', ...rest, tensors };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 4) * 4;
  const floats = tensors.reduce((n, t) => n + t.length, 0);
  const out = new Uint8Array(PREFIX + headerBytes + 4 * floats);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, headerBytes, true);
  out.set(json, PREFIX);
  out.fill(0x20, PREFIX + json.length, PREFIX + headerBytes); // pad with spaces: still valid JSON
  let at = PREFIX + headerBytes;
  for (const t of tensors) {
    const data = t.group === 'weights' ? weights[t.key] : optimizerState[t.key];
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  view.setUint32(16, crc32(out.subarray(PREFIX)), true);
  return out;
}

/** Read a checkpoint; `where` (a path) is named in every error. */
export function decodeCheckpoint(bytes: Uint8Array, where: string | null = null): CheckpointState {
  const fail = (m: string): never => {
    throw new CheckpointError(m, where);
  };
  if (bytes.length < PREFIX || new TextDecoder().decode(bytes.subarray(0, 8)) !== CHECKPOINT_MAGIC) fail('not a Convas checkpoint (it does not start with CNVSCKPT)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) fail(`checkpoint version ${version}; this Convas reads version ${CHECKPOINT_VERSION}`);
  const headerBytes = view.getUint32(12, true);
  if (PREFIX + headerBytes > bytes.length) fail(`truncated: the header needs ${headerBytes} bytes, the file has ${bytes.length - PREFIX} after the prefix`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerBytes))) as Header;
  } catch (e) {
    return fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (header.format !== 'convas-checkpoint' || !Array.isArray(header.tensors)) fail('the header is not a Convas checkpoint header');
  const floats = header.tensors.reduce((n, t) => n + t.length, 0);
  const expected = PREFIX + headerBytes + 4 * floats;
  if (bytes.length !== expected) fail(`${bytes.length < expected ? 'truncated' : 'too long'}: ${header.tensors.length} tensors need ${expected} bytes, the file has ${bytes.length}`);
  const crc = crc32(bytes.subarray(PREFIX));
  if (crc !== view.getUint32(16, true)) fail('corrupt: the checksum does not match the contents');
  const weights: WeightMap = {};
  const optimizerState: WeightMap = {};
  let at = bytes.byteOffset + PREFIX + headerBytes;
  for (const t of header.tensors) {
    // copy: the tensor must own aligned memory of its own
    const data = new Float32Array(bytes.buffer.slice(at, at + 4 * t.length));
    (t.group === 'weights' ? weights : optimizerState)[t.key] = data;
    at += 4 * t.length;
  }
  const { format: _format, tensors: _tensors, ...rest } = header;
  return { ...rest, weights, optimizerState };
}

/** Where checkpoints go: a file system (written atomically) or memory (the browser build). */
export interface CheckpointStore {
  /** Replace the checkpoint at `path` (null: the store's own place) with `bytes`; returns where it is. */
  write(path: string | null, bytes: Uint8Array): Promise<string>;
  read(location: string): Promise<Uint8Array>;
  /** Whether `write` keeps the bytes somewhere the parent can reach by location (false: send them). */
  readonly durable: boolean;
}

/** Keeps the latest checkpoint per path in memory; locations are `memory:<path>`. */
export function memoryCheckpointStore(): CheckpointStore {
  const saved = new Map<string, Uint8Array>();
  return {
    durable: false,
    async write(path, bytes) {
      const location = `memory:${path ?? 'latest'}`;
      saved.set(location, bytes);
      return location;
    },
    async read(location) {
      const b = saved.get(location);
      if (!b) throw new CheckpointError('no such checkpoint in memory', location);
      return b;
    },
  };
}
