/**
 * Node-only: checkpoints on disk, replaced atomically — written to a temporary file in the same
 * folder, flushed, then renamed over the old one — so a crash or a kill at any moment leaves
 * either the previous checkpoint or the new one, never half of one.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CheckpointError, type CheckpointStore } from './checkpoint';

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const h = await open(tmp, 'w');
    try {
      await h.writeFile(bytes);
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new CheckpointError(`cannot write: ${(e as Error).message}`, path);
  }
}

export const fileCheckpointStore: CheckpointStore = {
  durable: true,
  async write(path, bytes) {
    if (!path) throw new CheckpointError('no checkpoint path was given for this run');
    await writeFileAtomic(path, bytes);
    return path;
  },
  async read(location) {
    try {
      return new Uint8Array(await readFile(location));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CheckpointError(code === 'ENOENT' ? 'no such checkpoint file' : `cannot read: ${(e as Error).message}`, location);
    }
  },
};
