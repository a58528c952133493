/**
 * The kernel playground in the browser build: Sobel x drawn exactly (pixels read back from
 * the canvases and compared with a reference computed here), ReLU and pooling of it, a custom
 * kernel with a typo, and the user's own PNG. Screenshots go to tests/e2e/screenshots/.
 */
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoScale, paint, scaleFor } from '../../src/renderer/visuals/colormap';
import { openApp } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

/** The page's DOM, for code run inside it; the Node-side typecheck has no DOM library. */
interface CanvasEl {
  width: number;
  height: number;
  dataset: Record<string, string | undefined>;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}
declare const document: { querySelector(selector: string): CanvasEl | null };

interface Pixels {
  width: number;
  height: number;
  rgba: number[];
  map: string;
  lo: number;
  hi: number;
}

async function pixels(page: Page, testId: string): Promise<Pixels> {
  return page.evaluate((id) => {
    const c = document.querySelector(`[data-testid="${id}"]`);
    if (!c) throw new Error(`no canvas ${id}`);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return { width: c.width, height: c.height, rgba: Array.from(data), map: c.dataset.map!, lo: Number(c.dataset.lo), hi: Number(c.dataset.hi) };
  }, testId);
}

/** The seed's Sobel x (table 17-1), written out here rather than taken from the app. */
const SOBEL_X = [-1, 0, 1, -2, 0, 2, -1, 0, 1];

/** Valid cross-correlation in float32 steps, as the app stores its planes. */
function correlate3(grey: Float32Array, w: number, h: number, k: number[]): Float32Array {
  const out = new Float32Array((w - 2) * (h - 2));
  for (let y = 0; y < h - 2; y++) {
    for (let x = 0; x < w - 2; x++) {
      let acc = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) acc += grey[(y + i) * w + x + j] * k[i * 3 + j];
      out[y * (w - 2) + x] = acc;
    }
  }
  return out;
}

function maxOf(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, v), -Infinity);
}

function minOf(a: Float32Array): number {
  return a.reduce((m, v) => Math.min(m, v), Infinity);
}

/** '' when `got` is `values` painted on the canvas' own scale (its data-map, -lo, -hi), else what differs. */
function pixelProblem(got: Pixels, values: Float32Array, width: number, height: number): string {
  if (got.width !== width || got.height !== height) return `size ${got.width}×${got.height} instead of ${width}×${height}`;
  const want = paint(values, { map: got.map as 'grey' | 'diverging', lo: got.lo, hi: got.hi });
  let wrong = 0;
  let first = '';
  for (let i = 0; i < want.length; i++) {
    if (want[i] !== got.rgba[i]) {
      if (!wrong) first = `pixel ${Math.floor(i / 4)} channel ${i % 4}: ${got.rgba[i]} instead of ${want[i]}`;
      wrong++;
    }
  }
  return wrong ? `${wrong} of ${want.length} bytes differ (${first})` : '';
}

/**
 * The canvas `testId` once it shows `values`, checked pixel by pixel. A canvas is drawn in an
 * effect after React renders (its data attributes come first): read it until it shows them.
 */
async function drawn(page: Page, testId: string, values: Float32Array, width: number, height: number, what: string): Promise<Pixels> {
  let got: Pixels | undefined;
  await expect
    .poll(
      async () => {
        got = await pixels(page, testId);
        return pixelProblem(got, values, width, height);
      },
      { message: what, timeout: 10_000 },
    )
    .toBe('');
  return got!;
}

/** The input picture once it is drawn: `width × height`, every pixel opaque (a fresh canvas is 300×150 and transparent). */
async function drawnInput(page: Page, width: number, height: number): Promise<Pixels> {
  let got: Pixels | undefined;
  await expect
    .poll(
      async () => {
        got = await pixels(page, 'pg-input-image');
        return [got.width, got.height, got.rgba.every((v, i) => i % 4 !== 3 || v === 255)];
      },
      { message: 'the input picture', timeout: 10_000 },
    )
    .toEqual([width, height, true]);
  return got!;
}

async function openPlayground(page: Page): Promise<void> {
  await openApp(page, s.url);
  await page.getByTestId('tool-playground').click();
  await page.getByTestId('playground').waitFor();
}

describe('kernel playground', () => {
  it('applies Sobel x exactly, then ReLU and 2×2 max pooling, with labelled colour scales', async () => {
    const { page, context, errors } = await newPage(s);
    await openPlayground(page);
    await page.getByTestId('kernel-emboss').click();
    await page.getByTestId('kernel-sobel-x').click();
    await expect.poll(() => page.getByTestId('kernel-sobel-x').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    // the editor shows the seed's matrix
    const cells = () => Promise.all(Array.from({ length: 9 }, (_, i) => page.getByTestId(`kernel-cell-${i}`).inputValue()));
    await expect.poll(cells, { timeout: 10_000 }).toEqual(['−1', '0', '1', '−2', '0', '2', '−1', '0', '1']);

    const input = await drawnInput(page, 96, 96);
    expect(input.map).toBe('grey');
    const grey = new Float32Array(input.width * input.height);
    for (let i = 0; i < grey.length; i++) {
      const [r, g, b] = input.rgba.slice(4 * i, 4 * i + 3);
      expect(r === g && g === b, `input pixel ${i} is grey`).toBe(true);
      grey[i] = r / 255;
    }

    const conv = correlate3(grey, 96, 96, SOBEL_X);
    // a picture with edges: both signs occur, so the scale is diverging and symmetric
    expect(minOf(conv)).toBeLessThan(-0.5);
    expect(maxOf(conv)).toBeGreaterThan(0.5);
    const convPx = await drawn(page, 'pg-conv-image', conv, 94, 94, 'Sobel x');
    const scale = autoScale({ min: minOf(conv), max: maxOf(conv) });
    expect(convPx.map).toBe('diverging');
    expect(convPx.lo).toBeCloseTo(scale.lo, 5);
    expect(convPx.hi).toBeCloseTo(scale.hi, 5);

    const act = conv.map((v) => (v > 0 ? v : 0));
    const actPx = await drawn(page, 'pg-relu-image', act, 94, 94, 'ReLU');
    expect(actPx.map).toBe('grey');
    expect(actPx.lo).toBe(0);
    expect(actPx.hi).toBeCloseTo(maxOf(conv), 5);

    const pool = new Float32Array(47 * 47);
    for (let y = 0; y < 47; y++) for (let x = 0; x < 47; x++) pool[y * 47 + x] = Math.max(act[2 * y * 94 + 2 * x], act[2 * y * 94 + 2 * x + 1], act[(2 * y + 1) * 94 + 2 * x], act[(2 * y + 1) * 94 + 2 * x + 1]);
    await drawn(page, 'pg-pool-image', pool, 47, 47, 'max pool');

    // the colour bar says what the colours mean: −limit, 0, +limit
    const ticks = await page.getByTestId('pg-conv-scale').locator('.color-bar-ticks span').allTextContents();
    expect(ticks).toHaveLength(3);
    expect(ticks[1]).toBe('0');
    expect(ticks[0].startsWith('−')).toBe(true);
    expect(Number(ticks[2])).toBeCloseTo(scale.hi, 2);

    // the nine kernels of fig. 17-6 are all there, Sobel x marked
    await expect(page.locator('[data-testid^="nine-"]').count()).resolves.toBe(9);
    await expect(page.getByTestId('nine-sobel-x').getAttribute('class')).resolves.toContain('is-on');
    await page.screenshot({ path: `${SCREENSHOTS}/playground-sobel-x.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('turns an edited value into a custom kernel, names a bad cell, and keeps the last good kernel applied', async () => {
    const { page, context, errors } = await newPage(s, { theme: 'light' });
    await openPlayground(page);
    const input = await drawnInput(page, 96, 96);
    const grey = Float32Array.from({ length: 96 * 96 }, (_, i) => input.rgba[4 * i] / 255);
    await page.getByTestId('kernel-identity').click();
    // the identity kernel applied: the picture's inner 94×94
    const identity = await drawn(page, 'pg-conv-image', correlate3(grey, 96, 96, [0, 0, 0, 0, 1, 0, 0, 0, 0]), 94, 94, 'identity kernel');
    await page.getByTestId('kernel-cell-4').fill('abc');
    await expect.poll(() => page.getByTestId('kernel-error').textContent(), { timeout: 10_000 }).toContain('Row 2, column 2: “abc” is not a number');
    await expect.poll(() => page.getByTestId('kernel-custom').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    expect((await pixels(page, 'pg-conv-image')).rgba).toEqual(identity.rgba);
    await page.getByTestId('kernel-cell-4').fill('-1');
    await expect.poll(() => page.getByTestId('kernel-error').count(), { timeout: 10_000 }).toBe(0);
    // centre −1: the negative of the picture, 94×94, all values ≤ 0 → diverging, blue side only
    const neg = await drawn(page, 'pg-conv-image', correlate3(grey, 96, 96, [0, 0, 0, 0, -1, 0, 0, 0, 0]), 94, 94, 'custom kernel');
    expect(neg.map).toBe('diverging');
    await page.screenshot({ path: `${SCREENSHOTS}/playground-custom-light.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters the user’s own PNG, scaled to at most 160 pixels, and refuses a file that is no picture', async () => {
    const { page, context, errors } = await newPage(s);
    await openPlayground(page);
    // 320×120: white, a black vertical bar at x 100–139 and a grey square
    const png = new PNG({ width: 320, height: 120 });
    for (let y = 0; y < 120; y++) {
      for (let x = 0; x < 320; x++) {
        const v = x >= 100 && x < 140 ? 0 : x >= 220 && x < 280 && y >= 30 && y < 90 ? 128 : 255;
        png.data.set([v, v, v, 255], 4 * (y * 320 + x));
      }
    }
    await page.getByTestId('picture-file').setInputFiles({ name: 'bars.png', mimeType: 'image/png', buffer: PNG.sync.write(png) });
    await page.getByTestId('picture-upload').waitFor();
    await expect.poll(() => page.getByTestId('picture-upload').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('picture-upload').textContent(), { timeout: 10_000 }).toContain('bars.png');
    await expect.poll(() => page.getByTestId('pg-input').locator('figcaption').textContent(), { timeout: 10_000 }).toContain('160×60');
    const input = await drawnInput(page, 160, 60);
    // the bar is black in the scaled picture, the background white
    expect(input.rgba[4 * (30 * 160 + 60)]).toBe(0);
    expect(input.rgba[4 * (30 * 160 + 10)]).toBe(255);
    // Sobel x on a dark bar: strongest negative at its left edge, positive at its right
    const grey = Float32Array.from({ length: 160 * 60 }, (_, i) => input.rgba[4 * i] / 255);
    const ref = correlate3(grey, 160, 60, SOBEL_X);
    const conv = await drawn(page, 'pg-conv-image', ref, 158, 58, 'Sobel x on the upload');
    expect(conv.map).toBe('diverging');
    expect(scaleFor('diverging', { min: minOf(ref), max: maxOf(ref) }).hi).toBeCloseTo(4, 5);

    await page.getByTestId('picture-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect.poll(() => page.getByTestId('picture-error').textContent(), { timeout: 10_000 }).toContain('notes.txt is not a PNG or JPEG picture');
    await page.screenshot({ path: `${SCREENSHOTS}/playground-upload.png` });
    expect(errors).toEqual([]);
    await context.close();
  });
});
