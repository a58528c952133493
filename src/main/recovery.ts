/**
 * The crash-recovery file: the renderer autosaves the open project here every few seconds while
 * it has unsaved changes; a clean save, "New" or "Don't Save" removes it. If the app dies, the
 * next start finds it and offers the work back.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RecoverySnapshot } from '../preload/contract';
import { RecoverySnapshotSchema } from './schemas';
import { writeFileAtomic } from './files';

export class RecoveryFile {
  constructor(private readonly file: string) {}

  async write(snapshot: RecoverySnapshot): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify(snapshot));
  }

  /** The last snapshot, or null when there is none or it cannot be read. */
  async read(): Promise<RecoverySnapshot | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = RecoverySnapshotSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async clear(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}
