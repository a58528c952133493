/**
 * scripts/ensure-electron.mjs, which `npm start` and `npm run dev` run before electron-vite: in a
 * temporary copy of the project (the real node_modules/electron is never touched), with Electron's
 * own install.js and @electron/get doing the download — from a local mirror that serves a stub
 * "Electron" zip, or from a mirror that does not answer (no network, as on CI).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ELECTRON = join(ROOT, 'node_modules/electron');
const VERSION = JSON.parse(readFileSync(join(ELECTRON, 'package.json'), 'utf8')).version as string;
const EXE = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
const temps: string[] = [];

/** A project folder holding the script and a copy of the electron package (no binary). */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'convas-ensure-electron-'));
  temps.push(dir);
  mkdirSync(join(dir, 'scripts'));
  cpSync(join(ROOT, 'scripts/ensure-electron.mjs'), join(dir, 'scripts/ensure-electron.mjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'convas-copy', type: 'module' }));
  mkdirSync(join(dir, 'node_modules/electron'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'install.js', 'cli.js', 'checksums.json']) cpSync(join(ELECTRON, f), join(dir, 'node_modules/electron', f));
  // install.js's downloader and unzipper, from the real install (read only)
  for (const scope of ['@electron', '@electron-internal']) symlinkSync(join(ROOT, 'node_modules', scope), join(dir, 'node_modules', scope));
  return dir;
}

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

function ensure(dir: string, env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (/^(ELECTRON_|electron_|npm_config_electron)/i.test(k)) delete base[k];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(dir, 'scripts/ensure-electron.mjs')], {
      cwd: dir,
      env: { ...base, electron_config_cache: join(dir, 'cache'), ELECTRON_GET_NO_PROGRESS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    p.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The one paragraph a failure prints: what is missing, the fetch command, the browser build. */
function expectParagraph(r: Run): string {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at |node:internal|Error: Electron uninstall/m);
  const blocks = r.stderr.trim().split(/\n\s*\n/);
  const text = blocks[blocks.length - 1].replace(/\n/g, ' ');
  expect(text).toContain(`electron ${VERSION}`);
  expect(text).toContain('`npx install-electron`');
  expect(text).toContain('`npm run web` runs the same app in a browser');
  return text;
}

/** A local Electron mirror: the zip @electron/get asks for, and its SHASUMS256.txt. */
async function mirror(): Promise<{ url: string; requests: string[]; server: Server }> {
  const zip = zipSync({
    [EXE]: [new TextEncoder().encode('#!/bin/sh\necho stub-electron "$@"\n'), { os: 3, attrs: (0o100755 << 16) >>> 0 }],
    version: new TextEncoder().encode(`v${VERSION}`),
  });
  const zipName = `electron-v${VERSION}-${process.platform}-${process.arch}.zip`;
  const sums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const name = basename(req.url ?? '');
    if (name === zipName) res.end(Buffer.from(zip));
    else if (name === 'SHASUMS256.txt') res.end(sums);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests, server };
}

/** A port nothing listens on: the download fails as it does without a network. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/`;
}

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('npm start / npm run dev get Electron first', () => {
  let dir: string;
  beforeEach(() => {
    dir = project();
  });

  it('package.json runs the check before electron-vite in start and dev', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.start).toMatch(/^node scripts\/ensure-electron\.mjs && electron-vite preview/);
    expect(scripts.dev).toMatch(/^node scripts\/ensure-electron\.mjs && electron-vite dev/);
  });

  it('downloads a missing Electron with its own installer, says so, and leaves what electron-vite reads', async () => {
    const m = await mirror();
    try {
      const r = await ensure(dir, { ELECTRON_MIRROR: m.url, electron_use_remote_checksums: '1' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Electron ${VERSION} is not installed yet: downloading it`);
      expect(r.stderr).toContain(`Electron ${VERSION} installed (node_modules/electron/dist/${EXE}`);
      expect(m.requests.some((u) => u.endsWith('.zip'))).toBe(true);
      // electron-vite reads path.txt and starts dist/<path.txt>
      const exe = join(dir, 'node_modules/electron/dist', readFileSync(join(dir, 'node_modules/electron/path.txt'), 'utf8'));
      expect(existsSync(exe)).toBe(true);
      // a second start finds it and says nothing
      const again = await ensure(dir, { ELECTRON_MIRROR: m.url });
      expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      m.server.close();
    }
  });

  it('without a network: one paragraph (what is missing, the command, npm run web), exit 1, no stack trace', async () => {
    const r = await ensure(dir, { ELECTRON_MIRROR: await deadUrl() });
    const text = expectParagraph(r);
    expect(text).toMatch(/is not installed in node_modules\/electron\/dist, and downloading it failed \(.*fetch failed\)/);
    expect(existsSync(join(dir, 'node_modules/electron/path.txt'))).toBe(false);
  });

  it('ELECTRON_SKIP_BINARY_DOWNLOAD: does not download, says why', async () => {
    const m = await mirror();
    try {
      const text = expectParagraph(await ensure(dir, { ELECTRON_MIRROR: m.url, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }));
      expect(text).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded');
      expect(m.requests).toEqual([]);
    } finally {
      m.server.close();
    }
  });

  it('a path.txt whose executable is gone counts as missing (electron-vite would fail to spawn it)', async () => {
    writeFileSync(join(dir, 'node_modules/electron/path.txt'), EXE);
    const text = expectParagraph(await ensure(dir, { ELECTRON_MIRROR: await deadUrl() }));
    expect(text).toContain('downloading it failed');
  });

  it('an installed Electron passes silently; ELECTRON_EXEC_PATH is honoured and checked', async () => {
    const dist = join(dir, 'node_modules/electron/dist');
    mkdirSync(dist);
    writeFileSync(join(dist, EXE), '#!/bin/sh\n');
    chmodSync(join(dist, EXE), 0o755);
    writeFileSync(join(dist, 'version'), `v${VERSION}`);
    writeFileSync(join(dir, 'node_modules/electron/path.txt'), EXE);
    expect(await ensure(dir, {})).toEqual({ code: 0, stdout: '', stderr: '' });

    rmSync(dist, { recursive: true });
    expect(await ensure(dir, { ELECTRON_EXEC_PATH: process.execPath })).toEqual({ code: 0, stdout: '', stderr: '' });
    const r = await ensure(dir, { ELECTRON_EXEC_PATH: join(dir, 'no-such-electron') });
    expect(r.code).toBe(1);
    const text = r.stderr.replace(/\s+/g, ' ');
    expect(text).toContain(`ELECTRON_EXEC_PATH is set to ${join(dir, 'no-such-electron')}, which does not exist`);
    expect(text).toContain('`npm run web` runs the same app in a browser');
  });
});
