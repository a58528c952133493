/**
 * Node-only file access shared by the readers: fixed-size records read by position (so a
 * dataset larger than memory is read a chunk at a time), and `.gz` files unpacked once into a
 * cache file by streaming (gzip cannot be read at a position, and memory must stay bounded).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { writeFileAtomic } from '../io/atomic-file.node.js';
import { notAReadableFile } from '../io/input-file.node.js';
import { DatasetError } from './types';

/**
 * Refuse anything but a regular file before opening it, naming the file: a directory, a device
 * or a FIFO where a data file belongs (otherwise a raw EISDIR, or a read that never ends).
 */
export function requireFile(path: string, what: string, shownAs = path): void {
  const problem = notAReadableFile(path, what);
  if (problem) throw new DatasetError(problem, shownAs);
}

/** A file of `count` records of `recordBytes` after a `headerBytes` header. */
export class RecordFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly headerBytes: number,
    readonly recordBytes: number,
    readonly count: number,
  ) {}

  /** Open and check that the size is exactly header + count × record. */
  static async open(path: string, headerBytes: number, recordBytes: number, count: number, what: string, shownAs = path): Promise<RecordFile> {
    requireFile(path, 'a data file', shownAs);
    const handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const expected = headerBytes + count * recordBytes;
    if (size !== expected) {
      await handle.close();
      const problem = size < expected ? 'truncated' : 'longer than its header says';
      throw new DatasetError(`${problem}: ${what} need ${expected} bytes, the file has ${size}`, shownAs);
    }
    return new RecordFile(path, handle, headerBytes, recordBytes, count);
  }

  async read(start: number, count: number, shownAs = this.path): Promise<Buffer> {
    const buf = Buffer.alloc(count * this.recordBytes);
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, this.headerBytes + start * this.recordBytes);
    if (bytesRead !== buf.length) throw new DatasetError(`file changed while reading: got ${bytesRead} of ${buf.length} bytes at record ${start}`, shownAs);
    return buf;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Read the first `n` bytes (or fewer if the file is shorter). */
export async function readHead(path: string, n: number): Promise<Buffer> {
  requireFile(path, 'a data file');
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await h.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/**
 * The path of a plain copy of `path`: the file itself, or for `.gz` a cache file in the temp
 * folder keyed by path, size and time (written atomically, so two processes unpacking at once
 * never see half a file).
 */
export async function plainFile(path: string): Promise<string> {
  requireFile(path, path.endsWith('.gz') ? 'a gzip file' : 'a data file');
  if (!path.endsWith('.gz')) return path;
  const st = await stat(path);
  const key = createHash('sha1').update(`${path}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'convas-data-cache');
  const out = join(dir, `${key}-${basename(path, '.gz')}`);
  try {
    await stat(out);
    return out;
  } catch {
    // not unpacked yet
  }
  try {
    // the shared atomic writer: a kill mid-unpack leaves a temporary file the next unpack removes
    await writeFileAtomic(
      out,
      (write) =>
        pipeline(createReadStream(path), createGunzip(), async (unpacked: AsyncIterable<Buffer>) => {
          for await (const chunk of unpacked) await write(chunk);
        }),
      { mkdir: true },
    );
  } catch (e) {
    throw new DatasetError(`cannot unpack gzip data: ${(e as Error).message}`, path);
  }
  return out;
}
