/**
 * Node-only: checkpoints on disk at any size. Written through the shared atomic writer (the
 * chunks — header and views of the tensors — go to a temporary file that is fsynced, renamed
 * over the old checkpoint, and the folder fsynced), so a crash or a kill at any moment leaves the
 * previous checkpoint or the new one, never half of one. Read piece by piece: each tensor goes
 * straight into its own Float32Array while the checksum is computed, so resuming needs no
 * whole-file buffer.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { AtomicWriteError, describeFsError, writeFileAtomic } from '../io/atomic-file.node.js';
import { readFullyAt } from '../io/read-at.node.js';
import {
  CHECKPOINT_PREFIX_BYTES,
  checkpointState,
  CheckpointError,
  crc32 as portableCrc32,
  readCheckpointHeader,
  readCheckpointPrefix,
  type CheckpointState,
  type CheckpointStore,
  type Crc32,
} from './checkpoint';

/** Node's native CRC-32 (zlib, Node ≥ 20.15) is ~6× the portable one; same values. */
const nativeCrc = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
export const fastCrc32: Crc32 = nativeCrc ? (b, previous = 0) => nativeCrc(b, previous) : portableCrc32;

function readFully(fd: number, into: Uint8Array, position: number, fail: (m: string) => never): void {
  readFullyAt(fd, into, position, (at) => fail(`truncated while being read (ended at byte ${at})`));
}

/** Read and check a checkpoint file piece by piece; every error names the path. */
export function readCheckpointFile(path: string): CheckpointState {
  const fail = (m: string): never => {
    throw new CheckpointError(m, path);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such checkpoint file' : `cannot read: ${describeFsError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) fail('not a regular file (a directory, device or pipe cannot be a checkpoint)');
    const size = st.size;
    const prefix = new Uint8Array(Math.min(CHECKPOINT_PREFIX_BYTES, size));
    readFully(fd, prefix, 0, fail);
    const { headerBytes, crc } = readCheckpointPrefix(prefix, fail);
    if (CHECKPOINT_PREFIX_BYTES + headerBytes > size) fail(`truncated: the header needs ${headerBytes} bytes, the file has ${size - CHECKPOINT_PREFIX_BYTES} after the prefix`);
    const head = new Uint8Array(headerBytes);
    readFully(fd, head, CHECKPOINT_PREFIX_BYTES, fail);
    const { header, fileBytes } = readCheckpointHeader(head, fail);
    if (size !== fileBytes) fail(`${size < fileBytes ? 'truncated' : 'too long'}: ${header.tensors.length} tensors need ${fileBytes} bytes, the file has ${size}`);
    let sum = fastCrc32(head);
    let at = CHECKPOINT_PREFIX_BYTES + headerBytes;
    const state = checkpointState(header, (t) => {
      const data = new Float32Array(t.length);
      const bytes = new Uint8Array(data.buffer);
      readFully(fd, bytes, at, fail);
      sum = fastCrc32(bytes, sum);
      at += bytes.length;
      return data;
    });
    if (sum !== crc) fail('corrupt: the checksum does not match the contents');
    return state;
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    return fail(`cannot read: ${describeFsError(e)}`);
  } finally {
    closeSync(fd);
  }
}

export const fileCheckpointStore: CheckpointStore = {
  durable: true,
  crc32: fastCrc32,
  async write(path, chunks) {
    if (!path) throw new CheckpointError('no checkpoint path was given for this run');
    try {
      await writeFileAtomic(path, chunks, { mkdir: true });
    } catch (e) {
      // the atomic writer's message already names the path
      if (e instanceof AtomicWriteError) throw new CheckpointError(e.message);
      throw e;
    }
    return path;
  },
  async read(location) {
    try {
      return new Uint8Array(readFileSync(location));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CheckpointError(code === 'ENOENT' ? 'no such checkpoint file' : `cannot read: ${describeFsError(e)}`, location);
    }
  },
  async load(location) {
    return readCheckpointFile(location);
  },
};
