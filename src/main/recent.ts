/**
 * Recently opened or saved projects, newest first, kept in userData/recent.json. A damaged
 * list is treated as empty rather than blocking the app.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RecentFile } from '../preload/contract';
import { displayName, writeFileAtomic } from './files';

export const MAX_RECENT = 10;

const RecentListSchema = z.array(z.object({ path: z.string().min(1), name: z.string(), at: z.number() }));

export class RecentFiles {
  private items: RecentFile[] | null = null;

  constructor(private readonly file: string) {}

  async list(): Promise<RecentFile[]> {
    if (this.items) return this.items;
    try {
      const parsed = RecentListSchema.safeParse(JSON.parse(await fs.readFile(this.file, 'utf8')));
      this.items = parsed.success ? parsed.data.slice(0, MAX_RECENT) : [];
    } catch {
      this.items = [];
    }
    return this.items;
  }

  /** Whether main ever handed this path out (open/save dialogs): only such paths may be reopened. */
  async has(file: string): Promise<boolean> {
    return (await this.list()).some((r) => r.path === file);
  }

  async add(file: string, now = Date.now()): Promise<RecentFile[]> {
    const abs = path.resolve(file);
    const rest = (await this.list()).filter((r) => r.path !== abs);
    this.items = [{ path: abs, name: displayName(abs), at: now }, ...rest].slice(0, MAX_RECENT);
    await this.persist();
    return this.items;
  }

  async remove(file: string): Promise<RecentFile[]> {
    this.items = (await this.list()).filter((r) => r.path !== file);
    await this.persist();
    return this.items;
  }

  private async persist(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify(this.items, null, 2));
  }
}
