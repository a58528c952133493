/**
 * Node-only: putting an export on disk. The target is checked before any work (an existing one
 * is refused without --force, an unwritable folder is named), then written beside itself under
 * a temporary name and renamed into place, so a failure never leaves half an export.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Artifact } from './artifact';
import { ExportError } from './plan';

/** Throws an ExportError saying what is wrong with `out` for an export of this kind. */
export function checkOutPath(out: string, kind: Artifact['kind'], force: boolean): void {
  const abs = resolve(out);
  const parent = dirname(abs);
  if (existsSync(abs)) {
    if (!force) throw new ExportError(`${out} already exists: pass --force to replace it`);
    const isDir = statSync(abs).isDirectory();
    if (kind === 'file' && isDir) throw new ExportError(`${out} is a folder; this format writes one file — name a file (e.g. ${join(out, 'model')}…)`);
    if (kind === 'folder' && !isDir) throw new ExportError(`${out} is a file; this format writes a folder — name a folder`);
  }
  if (!existsSync(parent)) throw new ExportError(`cannot write ${out}: folder ${parent} does not exist`);
  if (!statSync(parent).isDirectory()) throw new ExportError(`cannot write ${out}: ${parent} is not a folder`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new ExportError(`cannot write ${out}: folder ${parent} is not writable`);
  }
}

async function writeChunks(path: string, chunks: Iterable<Uint8Array>): Promise<number> {
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    for (const c of chunks) {
      let at = 0;
      while (at < c.length) {
        const { bytesWritten } = await fh.write(c, at, c.length - at);
        at += bytesWritten;
      }
      bytes += c.length;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return bytes;
}

/** Write the artifact at `out` (a file or a folder); returns the bytes written per file. */
export async function writeArtifact(out: string, artifact: Artifact, force: boolean): Promise<Record<string, number>> {
  checkOutPath(out, artifact.kind, force);
  const abs = resolve(out);
  const tmp = join(dirname(abs), `.${basename(abs)}.partial-${process.pid}`);
  const sizes: Record<string, number> = {};
  try {
    if (artifact.kind === 'file') {
      sizes[basename(abs)] = await writeChunks(tmp, artifact.files[0].chunks());
    } else {
      await mkdir(tmp);
      for (const f of artifact.files) {
        await mkdir(dirname(join(tmp, f.name)), { recursive: true });
        sizes[f.name] = await writeChunks(join(tmp, f.name), f.chunks());
      }
    }
    if (existsSync(abs)) await rm(abs, { recursive: true, force: true });
    await rename(tmp, abs);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return sizes;
}
