/**
 * Node-only: the one way Convas writes a file it may replace (weights, checkpoints, CLI outputs,
 * projects). A crash or a kill at any moment leaves either the old file or the new one, never
 * half of one:
 *
 *   1. the target must be a regular file or not exist yet — a directory, a device (/dev/full,
 *      /dev/null), a FIFO or a socket is refused, and so is a symbolic link (renaming over it
 *      would replace the link, not the file it points to; we never follow one silently);
 *   2. temporary files that an earlier, killed writer left beside the target are removed;
 *   3. the content goes to `.<name>.<pid>.<random>.tmp` in the same folder, created exclusively
 *      (never through a link planted at that name), written in chunks (no whole-file buffer is
 *      needed), flushed with fsync;
 *   4. it is renamed over the target (atomic within one folder), and the folder is fsynced so the
 *      rename itself survives a power cut.
 */
import { constants, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

export class AtomicWriteError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'AtomicWriteError';
  }
}

/** Chunks to write, in order; a function receives `write` and calls it as often as it likes. */
export type WriteBody = Uint8Array | string | Iterable<Uint8Array> | ((write: (chunk: Uint8Array) => Promise<void>) => Promise<void>);

export interface AtomicWriteOptions {
  /** Create missing parent folders (checkpoints); otherwise a missing folder is an error. */
  mkdir?: boolean;
}

/** How long a temporary file of a live process may sit unchanged before it counts as abandoned. */
const STALE_AFTER_MS = 10 * 60 * 1000;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** A system error as a few words a user can act on. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is exhausted';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    default:
      return err.message ?? String(e);
  }
}

/**
 * What is at `target` now: null when nothing is there, its mode when it is a regular file; any
 * other kind of thing is refused with a message that names it and what to do.
 */
async function existingRegularFile(target: string, shown: string): Promise<number | null> {
  let st: Stats;
  try {
    st = await lstat(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new AtomicWriteError(`cannot write ${shown}: ${describeFsError(e)}`, shown);
  }
  if (st.isFile()) return st.mode & 0o7777;
  if (st.isSymbolicLink()) {
    throw new AtomicWriteError(
      `cannot write ${shown}: it is a symbolic link; Convas replaces files by renaming a new one over them, which would replace the link itself — give the path of the file it points to, or remove the link`,
      shown,
    );
  }
  throw new AtomicWriteError(`cannot write ${shown}: it is ${kindOf(st)}, not a regular file; give the path of a file to create or replace`, shown);
}

/** Checks a target before a long job (training) so a bad output path is found at the start. */
export async function checkWriteTarget(path: string): Promise<void> {
  const target = resolve(path);
  await existingRegularFile(target, path);
  const dir = dirname(target);
  let st: Stats;
  try {
    st = await stat(dir);
  } catch (e) {
    throw new AtomicWriteError(`cannot write ${path}: ${describeFsError(e)}`, path);
  }
  if (!st.isDirectory()) throw new AtomicWriteError(`cannot write ${path}: ${dir} is not a folder`, path);
  // create and remove a temporary file: the only check that answers for ACLs, read-only mounts and root
  const probe = join(dir, tempName(basename(target)));
  try {
    const h = await open(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    await h.close();
  } catch (e) {
    throw new AtomicWriteError(`cannot write ${path}: ${describeFsError(e)}`, path);
  }
  await rm(probe, { force: true });
}

/** Temporary files this process is writing now (never cleaned as stale). */
const inFlight = new Set<string>();

function tempName(base: string): string {
  return `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** `s` as a literal inside a RegExp. */
export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a temporary file (or folder) of process `pid`, last changed at `mtimeMs`, was abandoned. */
export function abandoned(pid: number, mtimeMs: number): boolean {
  if (pid === process.pid) return false; // ours: the caller knows whether it is in flight
  return !pidAlive(pid) || Date.now() - mtimeMs > STALE_AFTER_MS;
}

/**
 * Remove temporary files of `base` left in `dir` by a writer that died: its process is gone, or
 * (a pid reused since) the file has not changed for ten minutes. Also removes the name earlier
 * Convas versions used, `<name>.<pid>.tmp`.
 */
export async function removeStaleTemps(dir: string, base: string): Promise<string[]> {
  const pattern = new RegExp(`^(?:\\.${escapeRe(base)}\\.(\\d+)\\.[0-9a-f]{8}|${escapeRe(base)}\\.(\\d+))\\.tmp$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    if (inFlight.has(file)) continue;
    const pid = Number(m[1] ?? m[2]);
    try {
      const st = await lstat(file);
      if (!st.isFile() && !st.isSymbolicLink()) continue; // only ever remove what we could have made
      if (pid !== process.pid && !abandoned(pid, st.mtimeMs)) continue; // a live writer's
      await rm(file, { force: true });
      removed.push(file);
    } catch {
      // another writer cleaned it first
    }
  }
  return removed;
}

async function writeBody(h: FileHandle, body: WriteBody): Promise<void> {
  const write = async (chunk: Uint8Array) => {
    let done = 0;
    while (done < chunk.byteLength) {
      const { bytesWritten } = await h.write(chunk, done, chunk.byteLength - done);
      done += bytesWritten;
    }
  };
  if (typeof body === 'string') await write(new TextEncoder().encode(body));
  else if (body instanceof Uint8Array) await write(body);
  else if (typeof body === 'function') await body(write);
  else for (const chunk of body) await write(chunk);
}

/** fsync a folder so a rename in it is on disk; platforms that cannot (Windows) are skipped. */
async function syncDir(dir: string): Promise<void> {
  let h: FileHandle | null = null;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') throw e;
  } finally {
    await h?.close();
  }
}

/** Replace `path` with `body`, atomically and durably (see the top of this file). */
export async function writeFileAtomic(path: string, body: WriteBody, opts: AtomicWriteOptions = {}): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const base = basename(target);
  if (opts.mkdir) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new AtomicWriteError(`cannot write ${path}: cannot create its folder (${describeFsError(e)})`, path);
    }
  }
  const mode = await existingRegularFile(target, path);
  await removeStaleTemps(dir, base);
  const tmp = join(dir, tempName(base));
  inFlight.add(tmp);
  try {
    const h = await open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o666);
    try {
      await writeBody(h, body);
      await h.sync();
    } finally {
      await h.close();
    }
    if (mode !== null) await chmod(tmp, mode);
    await rename(tmp, target);
    inFlight.delete(tmp);
    await syncDir(dir);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    // the content's own errors (a FormatError naming a tensor) pass unchanged; file system ones get the path
    if (e instanceof AtomicWriteError || typeof (e as NodeJS.ErrnoException).syscall !== 'string') throw e;
    throw new AtomicWriteError(`cannot write ${path}: ${describeFsError(e)}`, path);
  } finally {
    inFlight.delete(tmp);
  }
}
