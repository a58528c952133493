/**
 * Which data folders the page may name. Two kinds of grant, both made by main alone:
 * - a window's pick: the folder its last data dialog returned. Picking another folder revokes
 *   the earlier one; closing the window, or another document in it (File → New, open, a dropped
 *   file, a preset: see ipc.ts's onDocumentReplaced), revokes it (kept in memory only);
 * - a run's folder: recorded when a run starts on a granted folder, so that run can resume
 *   after a restart (kept in userData). Deleting the run revokes it.
 * The page's DataChoice carries the folder as a token, but naming a folder grants nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './files';

const GrantsFileSchema = z.strictObject({ version: z.literal(1), runs: z.record(z.string(), z.string()) });

export class DataGrants {
  private picked = new Map<number, string>();
  private runs: Map<string, string> | null = null;

  constructor(private readonly file: string) {}

  private async load(): Promise<Map<string, string>> {
    if (this.runs) return this.runs;
    try {
      const parsed = GrantsFileSchema.safeParse(JSON.parse(await fs.readFile(this.file, 'utf8')));
      // anything else (missing, damaged, the old list of folders) grants nothing: pick again
      this.runs = new Map(parsed.success ? Object.entries(parsed.data.runs) : []);
    } catch {
      this.runs = new Map();
    }
    return this.runs;
  }

  private async persist(runs: Map<string, string>): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, runs: Object.fromEntries(runs) }, null, 2));
  }

  /** A dialog in window `windowId` returned `folder`: it replaces that window's earlier pick. */
  pick(windowId: number, folder: string): void {
    this.picked.set(windowId, path.resolve(folder));
  }

  /** The window closed (or its document did): its pick is revoked. */
  releaseWindow(windowId: number): void {
    this.picked.delete(windowId);
  }

  /** Whether window `windowId` may name `folder`: its own current pick, or a stored run's folder. */
  async has(folder: string, windowId: number): Promise<boolean> {
    const abs = path.resolve(folder);
    if (this.picked.get(windowId) === abs) return true;
    for (const f of (await this.load()).values()) if (f === abs) return true;
    return false;
  }

  /** Run `runId` trains on `folder` (already checked with `has`): it may resume from it later. */
  async bindRun(runId: string, folder: string): Promise<void> {
    const runs = await this.load();
    const abs = path.resolve(folder);
    if (runs.get(runId) === abs) return;
    runs.set(runId, abs);
    await this.persist(runs);
  }

  /** The run was deleted: its folder is no longer granted through it. */
  async releaseRun(runId: string): Promise<void> {
    const runs = await this.load();
    if (!runs.delete(runId)) return;
    await this.persist(runs);
  }
}
