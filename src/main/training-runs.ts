/**
 * Training runs kept under userData/runs/<id>/: `run.json` (settings, curves, final metrics,
 * written atomically) and `checkpoint.ckpt` (written by the worker itself, atomically). A
 * damaged run file is skipped, not fatal: the other runs still list.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../preload/contract';
import { writeFileAtomic } from './files';
import { MAX_RUN_BYTES, RunIdSchema, RunRecordSchema } from './training-schemas';

export class RunStore {
  constructor(readonly dir: string) {}

  private folder(id: string): string {
    // the id is checked to be a plain name, so the folder stays under `dir`
    return path.join(this.dir, RunIdSchema.parse(id));
  }

  checkpointPath(id: string): string {
    return path.join(this.folder(id), 'checkpoint.ckpt');
  }

  async prepare(id: string): Promise<void> {
    await fs.mkdir(this.folder(id), { recursive: true });
  }

  async list(): Promise<RunRecord[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const runs: RunRecord[] = [];
    for (const name of names) {
      if (!RunIdSchema.safeParse(name).success) continue;
      try {
        const raw = JSON.parse(await fs.readFile(path.join(this.dir, name, 'run.json'), 'utf8'));
        if (RunRecordSchema.safeParse(raw).success && raw.id === name) runs.push(raw as RunRecord);
      } catch {
        // no run.json yet, or damaged: skip it
      }
    }
    return runs.sort((a, b) => b.createdAt - a.createdAt);
  }

  async save(record: RunRecord): Promise<void> {
    const text = JSON.stringify(record);
    if (text.length > MAX_RUN_BYTES) throw new Error(`run ${record.id}: ${(text.length / 1e6).toFixed(1)} MB is more than a run record may hold (${MAX_RUN_BYTES / 1e6} MB)`);
    await this.prepare(record.id);
    await writeFileAtomic(path.join(this.folder(record.id), 'run.json'), text);
  }

  async delete(id: string): Promise<void> {
    await fs.rm(this.folder(id), { recursive: true, force: true });
  }

  async hasCheckpoint(id: string): Promise<boolean> {
    try {
      return (await fs.stat(this.checkpointPath(id))).isFile();
    } catch {
      return false;
    }
  }
}
