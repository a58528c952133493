/**
 * Node-only: putting an export on disk. The target is checked before any work (an existing one
 * is refused without --force, an unwritable folder is named), then written beside itself under
 * a temporary name and renamed into place, so a failure never leaves half an export.
 */
import { accessSync, constants, existsSync, lstatSync, statSync, type Stats } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { abandoned, escapeRe, writeFileAtomic } from '../atomic-file.node.js';
import type { Artifact } from './artifact';
import { ExportError } from './plan';

/** Throws an ExportError saying what is wrong with `out` for an export of this kind. */
export function checkOutPath(out: string, kind: Artifact['kind'], force: boolean): void {
  const abs = resolve(out);
  const parent = dirname(abs);
  const st = lstatOrNull(abs);
  // never replace a link (it would go, not the file it points to) or a device, FIFO or socket
  if (st?.isSymbolicLink()) throw new ExportError(`cannot write ${out}: it is a symbolic link; name the file it points to, or remove the link`);
  if (st && !st.isFile() && !st.isDirectory()) throw new ExportError(`cannot write ${out}: it is not a regular file or folder (a device, FIFO or socket); name a file to create`);
  if (st) {
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

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

async function writeChunks(path: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<number> {
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    for await (const c of chunks) {
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

/**
 * What killed exports left beside `<name>` (their process is gone): `.<name>.partial-<pid>`
 * folders and `.<name>.scratch-<pid>…` files (a Keras export's HDF5 before it is zipped).
 */
async function removeAbandoned(dir: string, base: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRe(base)}\\.(partial|scratch)-(\\d+)(?:[.-][\\w.-]*)?$`);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = pattern.exec(name);
    if (!m) continue;
    const st = lstatOrNull(join(dir, name));
    if (!st || !(m[1] === 'partial' ? st.isDirectory() : st.isFile())) continue;
    if (Number(m[2]) === process.pid || abandoned(Number(m[2]), st.mtimeMs)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** The scratch prefix a streamed file may use: hidden, beside the output, named for this process. */
function scratchFor(abs: string): string {
  return join(dirname(abs), `.${basename(abs)}.scratch-${process.pid}`);
}

/** Write the artifact at `out` (a file or a folder); returns the bytes written per file. */
export async function writeArtifact(out: string, artifact: Artifact, force: boolean): Promise<Record<string, number>> {
  checkOutPath(out, artifact.kind, force);
  const abs = resolve(out);
  const sizes: Record<string, number> = {};
  await removeAbandoned(dirname(abs), basename(abs));
  if (artifact.kind === 'file') {
    // one file: the shared atomic writer (fsync of file and folder, stale temps of a killed run removed)
    const f = artifact.files[0];
    let bytes = 0;
    const counted = function* (chunks: Iterable<Uint8Array>) {
      for (const c of chunks) {
        bytes += c.length;
        yield c;
      }
    };
    const streamed = async (write: (chunk: Uint8Array) => Promise<void>) => {
      for await (const c of f.stream!(scratchFor(abs))) {
        bytes += c.length;
        await write(c);
      }
    };
    await writeFileAtomic(abs, f.stream ? streamed : counted(f.chunks()));
    sizes[basename(abs)] = bytes;
    return sizes;
  }
  const tmp = join(dirname(abs), `.${basename(abs)}.partial-${process.pid}`);
  try {
    await mkdir(tmp);
    for (const f of artifact.files) {
      await mkdir(dirname(join(tmp, f.name)), { recursive: true });
      sizes[f.name] = await writeChunks(join(tmp, f.name), f.stream?.(scratchFor(abs)) ?? f.chunks());
    }
    if (existsSync(abs)) await rm(abs, { recursive: true, force: true });
    await rename(tmp, abs);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return sizes;
}
