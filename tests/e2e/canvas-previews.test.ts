/**
 * Data through every block, as you build: with the seed's MNIST CNN open, one sample goes
 * through the network in the training worker (initial weights, before any training) and every
 * node shows its output beside it — feature maps, vectors, class probabilities. Changing a
 * kernel size renews the pictures; hovering one reads its values.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill, nodeById, nodePreview, openApp, openMnistForPreviews, select } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});


async function fingerprint(page: Page, id: string): Promise<string> {
  return (await nodePreview(page, id).getAttribute('data-fingerprint'))!;
}

describe('previews on the canvas', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`shows every block's output for a sample and renews it when a kernel size changes (${theme})`, async () => {
      const { page, context, errors } = await newPage(s, { theme });
      await openApp(page, s.url);
      await openMnistForPreviews(page);

      await page.getByTestId('preview-status').filter({ hasText: /^initial weights$/ }).waitFor({ timeout: 60_000 });
      await nodePreview(page, 'softmax').waitFor();
      const kinds: Record<string, string> = { input: 'maps', conv1: 'maps', pool2: 'maps', fc1: 'strip', softmax: 'probabilities' };
      for (const [id, kind] of Object.entries(kinds)) await expect.poll(() => nodePreview(page, id).getAttribute('data-kind'), { timeout: 10_000 }).toBe(kind);
      // the Softmax shows probabilities: ten of them that add up to 1
      const probs = await nodePreview(page, 'softmax').getByTestId('node-preview-prob').evaluateAll((els) => els.map((e) => Number((e as unknown as { dataset: { value: string } }).dataset.value)));
      expect(probs).toHaveLength(10);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      await page.screenshot({ path: `${SCREENSHOTS}/canvas-previews-${theme}.png` });

      // hovering a feature map reads the value under the pointer
      const tile = nodePreview(page, 'conv1').locator('canvas').first();
      // hover() waits for the tile to stop moving (blocks grow as previews arrive) and aims at its centre
      await tile.hover();
      await page.getByTestId('pixel-readout').waitFor();
      const box = (await tile.boundingBox())!;
      await expect(page.getByTestId('pixel-readout').textContent()).resolves.toMatch(/^row \d+, col \d+: [−-]?[\d.]/);
      expect(Number.isFinite(Number(await page.getByTestId('pixel-readout').getAttribute('data-value')))).toBe(true);
      await page.screenshot({ path: `${SCREENSHOTS}/canvas-preview-readout-${theme}.png`, clip: { x: box.x - 40, y: box.y - 120, width: 420, height: 220 } });
      await page.mouse.move(5, 5);

      const before = { conv1: await fingerprint(page, 'conv1'), softmax: await fingerprint(page, 'softmax'), input: await fingerprint(page, 'input') };
      await select(page, 'conv1');
      await fill(page, 'param-kernelSize-0', '3');
      await fill(page, 'param-kernelSize-1', '3');
      await expect.poll(() => nodeById(page, 'conv1').getByTestId('node-output').textContent(), { timeout: 10_000 }).toBe('8×26×26');
      // the new 8×26×26 maps arrive from the worker (the 24×24 ones are not shown meanwhile)
      await page.waitForFunction(
        (old) => {
          const el = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string> } | null } }).document.querySelector('.react-flow__node[data-id="conv1"] [data-testid="node-preview"]');
          return el !== null && el.dataset.fingerprint !== old;
        },
        before.conv1,
        { timeout: 60_000 },
      );
      await expect.poll(() => nodePreview(page, 'conv1').locator('canvas').first().getAttribute('width'), { timeout: 10_000 }).toBe('26');
      await page.waitForFunction(
        (old) => {
          const el = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string> } | null } }).document.querySelector('.react-flow__node[data-id="softmax"] [data-testid="node-preview"]');
          return el !== null && el.dataset.fingerprint !== old;
        },
        before.softmax,
        { timeout: 60_000 },
      );
      // the same sample goes in: the Input's picture is unchanged
      await expect(fingerprint(page, 'input')).resolves.toBe(before.input);

      // another sample: a different input picture
      await page.getByTestId('preview-sample').fill('3');
      await page.waitForFunction(
        (old) => {
          const el = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string> } | null } }).document.querySelector('.react-flow__node[data-id="input"] [data-testid="node-preview"]');
          return el !== null && el.dataset.fingerprint !== old;
        },
        before.input,
        { timeout: 60_000 },
      );
      expect(errors).toEqual([]);
      await context.close();
    }, 180_000);
  }
});
