/**
 * Where `convas train` writes, and making sure it can before hours of training: the weights
 * (`--out`), the checkpoint (beside `--out`, else `convas-runs/` in the current folder — never
 * beside the project, which may be the install folder), a fallback when `--out` fails at the
 * end anyway (disk full, a folder removed), and removing the checkpoint of a finished run.
 */
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AtomicWriteError, checkWriteTarget, describeFsError, writeFileAtomic, type WriteBody } from '../engine/io/atomic-file.node.js';
import { CliError } from './errors';

/** Checkpoints of runs without --out (and fallback weights) go here, in the current folder. */
export const RUNS_FOLDER = 'convas-runs';

const stem = (path: string) => basename(path).replace(/(\.convas)?\.json$/i, '').replace(/\.safetensors$/i, '');

/** The default checkpoint of a run: `<out>.ckpt` beside --out, else `convas-runs/<project>.ckpt`. */
export function defaultCheckpointPath(out: string | null, projectPath: string, cwd = process.cwd()): string {
  if (out) return resolve(dirname(resolve(out)), `${stem(out)}.ckpt`);
  return resolve(cwd, RUNS_FOLDER, `${stem(projectPath)}.ckpt`);
}

/**
 * Fail now, with exit code 2, if `path` cannot be written: a folder, a path under a file, a
 * read-only or unwritable folder, a device. Creates missing folders on the way (as the write
 * would), then creates and removes a probe file beside the target.
 */
export async function probeWritable(path: string, option: string): Promise<void> {
  const target = resolve(path);
  try {
    await mkdir(dirname(target), { recursive: true });
  } catch (e) {
    throw new CliError(`${option} ${path} cannot be written: cannot create its folder ${dirname(target)} (${describeFsError(e)})`);
  }
  try {
    await checkWriteTarget(target);
  } catch (e) {
    if (e instanceof AtomicWriteError) throw new CliError(`${option} ${path}: ${e.message.replace(/^cannot write [^:]*: /, 'cannot be written: ')}`);
    throw e;
  }
}

/** Write `body` to `path` atomically; a failure says why (the caller decides what to do next). */
export async function writeOutput(path: string, body: WriteBody): Promise<void> {
  await writeFileAtomic(resolve(path), body, { mkdir: true });
}

/**
 * `--out` could not be written at the end: put the weights somewhere that can be, and return
 * where — `convas-runs/<name>` in the current folder, else the same under the OS temp folder.
 */
export async function writeFallback(out: string, body: (path: string) => WriteBody, cwd = process.cwd()): Promise<string> {
  // the same form as --out: JSON for a .json name, binary (of any size) otherwise
  const ext = /\.json$/i.test(out) ? '.json' : extname(out) || '.safetensors';
  const name = `${stem(out)}-${new Date().toISOString().replace(/[:.]/g, '-')}${ext}`;
  const candidates = [resolve(cwd, RUNS_FOLDER, name), join(tmpdir(), RUNS_FOLDER, name)];
  let last: unknown = null;
  for (const c of candidates) {
    try {
      await writeOutput(c, body(c));
      return c;
    } catch (e) {
      last = e;
    }
  }
  throw new CliError(`the weights could not be written anywhere (last try: ${last instanceof Error ? last.message : String(last)})`, 1);
}

/** Remove a finished run's checkpoint, and `convas-runs/` when that leaves it empty. */
export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
  const dir = dirname(path);
  if (basename(dir) === RUNS_FOLDER) await rmdir(dir).catch(() => undefined); // not empty: keep it
}
