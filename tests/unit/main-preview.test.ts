/**
 * Data previews are made in a separate process, never in main: the real preview worker
 * (src/main/preview-worker.ts) forked as a child, standing in for Electron's utilityProcess.
 * It decodes a real image folder; a damaged image is reported naming the file while main
 * carries on; a worker that dies or hangs is reported and ended.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ utilityProcess: { fork: () => { throw new Error('tests fork the worker themselves'); } } }));

import { DataPreviews, type ForkPreview, type PreviewChild } from '../../src/main/preview';

const ENTRY = resolve(import.meta.dirname, '../../src/main/preview-worker.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const pids: number[] = [];
const forkReal: ForkPreview = (entry) => {
  const c = fork(entry, [], { execArgv: ['--import', TSX], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  pids.push(c.pid!);
  return {
    postMessage: (m: unknown) => void c.send(m as never),
    on: (name: 'message' | 'exit', listener: (x: unknown) => void) => (name === 'message' ? c.on('message', listener) : c.on('exit', (code) => listener(code ?? -1))),
    kill: () => c.kill(),
  } as PreviewChild;
};

function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) p.data.set([...rgb, 255], i * 4);
  return PNG.sync.write(p);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'convas-preview-'));
  for (const [cls, rgb] of [['red', [255, 0, 0]], ['blue', [0, 0, 255]]] as const) {
    mkdirSync(join(dir, 'good', cls), { recursive: true });
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, 'good', cls, `${i}.png`), png(8, 8, [...rgb]));
  }
  mkdirSync(join(dir, 'bad', 'a'), { recursive: true });
  mkdirSync(join(dir, 'bad', 'b'), { recursive: true });
  writeFileSync(join(dir, 'bad', 'a', '0.png'), png(8, 8, [1, 2, 3]));
  // a PNG signature, then garbage
  writeFileSync(join(dir, 'bad', 'b', 'broken.png'), Buffer.concat([png(8, 8, [0, 0, 0]).subarray(0, 8), Buffer.from('not a png at all, just bytes')]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('data previews in a worker process', () => {
  it('decodes an image folder in another process and returns the preview', async () => {
    const previews = new DataPreviews(ENTRY, forkReal);
    const before = pids.length;
    const p = await previews.describe({ kind: 'folder', path: join(dir, 'good'), format: 'image-folder' }, [3, 4, 4]);
    expect(pids.length).toBe(before + 1);
    expect(pids.at(-1)).not.toBe(process.pid);
    expect(p.trainCount + (p.testCount ?? 0)).toBeGreaterThan(0);
    expect(p.inputShape).toEqual([3, 4, 4]);
    expect([...(p.classes ?? [])].sort()).toEqual(['blue', 'red']);
    const red = p.samples.find((s) => s.label === 'red')!;
    // structured clone carried the typed array; the pixel is red in [0, 1]
    expect(red.x).toBeInstanceOf(Float32Array);
    expect([red.x[0], red.x[16], red.x[32]]).toEqual([1, 0, 0]);
  });

  it('reports a damaged image naming the file, and main carries on', async () => {
    const previews = new DataPreviews(ENTRY, forkReal);
    await expect(previews.describe({ kind: 'folder', path: join(dir, 'bad'), format: 'image-folder' }, [3, 8, 8])).rejects.toThrow(/broken\.png/);
    await expect(previews.describe({ kind: 'folder', path: join(dir, 'nowhere') }, null)).rejects.toThrow(/no such folder/);
  });

  it('reports a worker that dies without answering, and ends one that hangs', async () => {
    const made: (EventEmitter & { killed: boolean })[] = [];
    const fake = (behaviour: 'die' | 'hang'): ForkPreview => () => {
      const c = Object.assign(new EventEmitter(), { killed: false });
      made.push(c);
      return {
        postMessage: () => {
          if (behaviour === 'die') setImmediate(() => c.emit('exit', 134));
        },
        on: (name: string, l: (x: unknown) => void) => c.on(name, l),
        kill: () => (c.killed = true),
      } as PreviewChild;
    };
    const ref = { kind: 'folder' as const, path: '/data/x' };
    await expect(new DataPreviews(ENTRY, fake('die')).describe(ref, null)).rejects.toThrow('the data-preview worker for /data/x ended without an answer (exit code 134); the data may be damaged');
    await expect(new DataPreviews(ENTRY, fake('hang'), 20).describe(ref, null)).rejects.toThrow('the data preview of /data/x took longer than 0.02 s and was stopped');
    expect(made[1].killed).toBe(true);
  });
});

describe('main itself', () => {
  it('opens no dataset: only the worker entries import the data readers', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const mainDir = resolve(import.meta.dirname, '../../src/main');
    for (const f of readdirSync(mainDir).filter((n) => n.endsWith('.ts') && n !== 'preview-worker.ts')) {
      const text = readFileSync(join(mainDir, f), 'utf8');
      expect(text, f).not.toMatch(/from '\.\.\/engine\/data\/(open|image-folder|idx|cifar|files)\.node/);
      expect(text, f).not.toMatch(/from '(pngjs|jpeg-js)'/);
    }
  });
});
