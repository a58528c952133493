/**
 * File system helpers for projects: atomic writes (a crash mid-save never leaves a half-written
 * project) and bounded reads.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decodeUtf8, JsonTextError } from '../engine/io/json-text';
import { MAX_CONTENT_BYTES } from './schemas';

/**
 * Write `content` to `target` through a temporary file in the same directory, flushed, then
 * renamed over the target: rename within one directory is atomic on every platform we ship.
 */
export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await (typeof content === 'string' ? handle.writeFile(content, 'utf8') : handle.writeFile(content));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
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

/** `net.convas.json` → `net`; used for window titles and suggested names. */
export function displayName(file: string): string {
  const base = path.basename(file);
  return base.endsWith('.convas.json') ? base.slice(0, -'.convas.json'.length) : base.replace(/\.json$/, '');
}
