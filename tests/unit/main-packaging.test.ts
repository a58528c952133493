/**
 * Packaging configuration, checked without packaging (electron-builder downloads Electron, so
 * CI never runs it): the config validates against electron-builder's own schema, Electron's
 * fuses are set, native addons are unpacked from the asar (and every unpack pattern names files
 * that exist), the workers main forks are entries of the build, and the icons exist at the sizes
 * the targets need.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ROOT = resolve(import.meta.dirname, '../..');
const yaml = require('js-yaml') as { load(text: string): Record<string, unknown> };
const config = yaml.load(readFileSync(resolve(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('electron-builder.yml', () => {
  it('is valid for electron-builder', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('targets AppImage and deb, NSIS and dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('sets the Electron fuses: no run-as-Node, no NODE_OPTIONS or --inspect, the app only from an integrity-checked asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // the names are electron-builder's own (a misspelt key would be dropped, not refused, by YAML)
    const types = readFileSync(require.resolve('app-builder-lib/out/configuration.d.ts'), 'utf8');
    const fuseOptions = types.slice(types.indexOf('export interface FuseOptionsV1'));
    for (const key of Object.keys(config.electronFuses)) expect(fuseOptions).toMatch(new RegExp(`\\b${key}\\?: boolean`));
    // the app asar is on (the fuses above rely on it)
    expect(config.asar).not.toBe(false);
  });

  it('unpacks the Dawn addon (and its Windows DLL) from the asar, with patterns that match real files', () => {
    const minimatch = createRequire(require.resolve('app-builder-lib/package.json'))('minimatch').minimatch as (p: string, pattern: string, o?: object) => boolean;
    const webgpu = resolve(ROOT, 'node_modules/webgpu');
    const files = (readdirSync(webgpu, { recursive: true }) as string[]).map((f) => relative(ROOT, join(webgpu, f)).split('\\').join('/'));
    const unpacked = (f: string) => (config.asarUnpack as string[]).some((p) => minimatch(f, p, { dot: true }));
    // webgpu 0.6: one folder per platform, the Windows DLLs beside their addon
    for (const f of ['linux-x64/dawn.node', 'win32-x64/dawn.node', 'darwin-universal/dawn.node', 'win32-x64/d3dcompiler_47.dll', 'win32-x64/dxcompiler.dll'].map((f) => `node_modules/webgpu/dist/${f}`)) {
      expect(files).toContain(f);
      expect(unpacked(f)).toBe(true);
    }
    // every pattern names something: the old out/worker/** matched nothing the build makes
    for (const pattern of config.asarUnpack as string[]) {
      const candidates = pattern.startsWith('out/') ? builtMainFiles() : files;
      expect(candidates.some((f) => minimatch(f, pattern, { dot: true })), `asarUnpack pattern ${pattern} matches no file`).toBe(true);
    }
    // the workers stay in the asar (utility processes read it; unpacked, they could not resolve node_modules)
    for (const f of builtMainFiles()) expect(unpacked(f), f).toBe(false);
  });

  it('builds every worker main forks as an entry of the main bundle', () => {
    const vite = readFileSync(resolve(ROOT, 'electron.vite.config.ts'), 'utf8');
    const main = readFileSync(resolve(ROOT, 'src/main/index.ts'), 'utf8');
    for (const worker of ['training-worker', 'preview-worker']) {
      expect(vite).toMatch(new RegExp(`'${worker}': resolve\\(`));
      expect(main).toContain(`path.join(here, '${worker}.js')`);
    }
    expect(vite).toContain("outDir: 'out/main'");
  });

  it('ships the built app and the icon main loads', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'resources/icons/icon.png']));
    const main = readFileSync(resolve(ROOT, 'src/main/index.ts'), 'utf8');
    expect(main).toContain("'../../resources/icons/icon.png'");
  });
});

/** What `electron-vite build` writes to out/main (its entries; chunk names vary). */
function builtMainFiles(): string[] {
  const vite = readFileSync(resolve(ROOT, 'electron.vite.config.ts'), 'utf8');
  const entries = [...vite.matchAll(/^\s+'?([\w-]+)'?: resolve\(import\.meta\.dirname, 'src\/(?:main|engine)\//gm)].map((m) => `out/main/${m[1]}.js`);
  return [...entries, 'out/main/chunks/protocol.js'];
}

describe('icons', () => {
  it.each([
    ['icon.png', 1024],
    ['512x512.png', 512],
    ['256x256.png', 256],
  ])('%s is a %i² PNG with transparent corners', (file, size) => {
    const png = PNG.sync.read(readFileSync(resolve(ROOT, 'resources/icons', file)));
    expect([png.width, png.height]).toEqual([size, size]);
    expect(png.data[3]).toBe(0); // top-left corner outside the rounded square
    const centre = ((size / 2) * size + size / 2) * 4;
    expect(png.data[centre + 3]).toBe(255);
  });
});
