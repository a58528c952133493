/** Atomic writes and bounded reads for project files; the recent-files list. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { displayName, readTextFile, writeFileAtomic } from '../../src/main/files';
import { MAX_RECENT, RecentFiles } from '../../src/main/recent';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convas-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const f = join(dir, 'a.convas.json');
    writeFileSync(f, 'old');
    await writeFileAtomic(f, 'new content');
    expect(readFileSync(f, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['a.convas.json']);
  });

  it('keeps the old file and cleans up when the rename fails', async () => {
    // A directory in the target's place makes rename fail after the temp file is written.
    const f = join(dir, 'taken');
    mkdirSync(f);
    writeFileSync(join(f, 'inside'), 'keep');
    await expect(writeFileAtomic(f, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(f, 'inside'), 'utf8')).toBe('keep');
  });
});

describe('readTextFile and displayName', () => {
  it('reads text and refuses a directory with its name in the message', async () => {
    const f = join(dir, 'p.json');
    writeFileSync(f, '{}');
    await expect(readTextFile(f)).resolves.toBe('{}');
    await expect(readTextFile(dir)).rejects.toThrow(`${dir} is not a file`);
  });

  it('names files without their extension', () => {
    expect(displayName('/x/lenet5.convas.json')).toBe('lenet5');
    expect(displayName('/x/old.json')).toBe('old');
  });
});

describe('RecentFiles', () => {
  it('keeps the newest first, without duplicates, at most MAX_RECENT, across instances', async () => {
    const file = join(dir, 'recent.json');
    const r = new RecentFiles(file);
    for (let i = 0; i < MAX_RECENT + 3; i++) await r.add(join(dir, `p${i}.convas.json`), 1000 + i);
    await r.add(join(dir, 'p5.convas.json'), 5000);
    const list = await new RecentFiles(file).list();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toEqual({ path: join(dir, 'p5.convas.json'), name: 'p5', at: 5000 });
    expect(new Set(list.map((x) => x.path)).size).toBe(MAX_RECENT);
  });

  it('treats a damaged list as empty', async () => {
    const file = join(dir, 'recent.json');
    writeFileSync(file, '[{"path": 3}]');
    await expect(new RecentFiles(file).list()).resolves.toEqual([]);
  });
});
