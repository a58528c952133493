/**
 * Packaging configuration, checked without packaging (electron-builder downloads Electron, so
 * CI never runs it): the config validates against electron-builder's own schema, native addons
 * and the training worker stay outside the asar, and the icons exist at the sizes the targets need.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
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

  it('keeps native addons and the worker out of the asar', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/webgpu/**', 'out/worker/**']));
  });

  it('ships the built app and the icon main loads', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'resources/icons/icon.png']));
    const main = readFileSync(resolve(ROOT, 'src/main/index.ts'), 'utf8');
    expect(main).toContain("'../../resources/icons/icon.png'");
  });
});

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
