/**
 * File system helpers for projects: atomic writes (a crash mid-save never leaves a half-written
 * project) and bounded reads.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decodeUtf8, JsonTextError } from '../engine/io/json-text';
import { isWeightsBinary } from '../engine/io/weights-binary';
import { MAX_CONTENT_BYTES, MAX_EXPORT_BYTES } from './schemas';

/**
 * Saves go through the engine's one atomic writer: temporary file beside the target, fsync,
 * rename, fsync of the folder; a directory, device, FIFO or symbolic link in the target's place is
 * refused with a message naming it; temporary files of a crashed save are removed by the next one.
 */
export { writeFileAtomic } from '../engine/io/atomic-file.node.js';

/** A regular file's bytes, at most `maxBytes` (an ONNX model for the page to import). */
export async function readBinaryFile(file: string, maxBytes: number): Promise<Buffer> {
  const stat = await fs.stat(file);
  if (!stat.isFile()) throw new Error(`${file} is not a file`);
  if (stat.size > maxBytes) throw new Error(`${file} is ${(stat.size / 1e6).toFixed(1)} MB, more than the ${(maxBytes / 1e6).toFixed(0)} MB it may have`);
  return fs.readFile(file);
}

export async function readTextFile(file: string): Promise<string> {
  const stat = await fs.stat(file);
  if (!stat.isFile()) throw new Error(`${file} is not a file`);
  if (stat.size > MAX_CONTENT_BYTES) {
    throw new Error(`${file} is ${(stat.size / 1e6).toFixed(1)} MB; projects larger than ${MAX_CONTENT_BYTES / 1e6} MB are not opened`);
  }
  const bytes = await fs.readFile(file);
  try {
    // Invalid UTF-8 is refused with its byte offset, not silently turned into U+FFFD.
    return decodeUtf8(bytes);
  } catch (e) {
    if (e instanceof JsonTextError) throw new Error(`${file}: ${e.message}`);
    throw e;
  }
}

/**
 * A weights file for the renderer: binary weights (told by their first bytes) as bytes, up to
 * what IPC carries; weights JSON as checked text, like a project.
 */
export async function readWeightsContent(file: string): Promise<string | Uint8Array> {
  const handle = await fs.open(file, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${file} is not a file`);
    const head = new Uint8Array(16);
    await handle.read(head, 0, head.length, 0);
    if (isWeightsBinary(head)) {
      if (stat.size > MAX_EXPORT_BYTES) throw new Error(`${file} is ${(stat.size / 1e9).toFixed(1)} GB; weights larger than ${(MAX_EXPORT_BYTES / 1e9).toFixed(1)} GB are not opened in the app (use convas train --weights)`);
      return new Uint8Array(await handle.readFile());
    }
  } finally {
    await handle.close();
  }
  return readTextFile(file);
}

/** `net.convas.json` → `net`; used for window titles and suggested names. */
export function displayName(file: string): string {
  const base = path.basename(file);
  return base.endsWith('.convas.json') ? base.slice(0, -'.convas.json'.length) : base.replace(/\.json$/, '');
}
