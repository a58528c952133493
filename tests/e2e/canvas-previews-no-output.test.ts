/**
 * Previews need only a forward pass: a network without an output layer (a half-built one, or an
 * import that ends in a Dense, as torchvision's ResNet-18 does) still shows every block's output,
 * and the preview pill says nothing about training. A network with shape errors, or past the
 * preview size limit, gets a quiet note, not a red error.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextMenu, fill, nodeById, nodePreview, openApp, openMnistForPreviews, openPreset, select } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

const pill = (page: Page) => page.getByTestId('preview-status');

describe('previews of a network without an output layer', () => {
  it('shows every block’s output, with no training error in the preview pill', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openMnistForPreviews(page);
    await pill(page).filter({ hasText: /^initial weights$/ }).waitFor({ timeout: 60_000 });

    // the network now ends in fc2, a Dense layer: nothing to train against, everything to preview
    // a new preview worker answers for the new graph (data-version counts the answers)
    const answered = Number(await pill(page).getAttribute('data-version'));
    await contextMenu(page, 'softmax', 'Delete');
    await nodeById(page, 'softmax').waitFor({ state: 'detached' });
    await expect.poll(async () => Number(await pill(page).getAttribute('data-version')), { timeout: 60_000 }).toBeGreaterThan(answered);
    await expect.poll(() => pill(page).textContent(), { timeout: 30_000 }).toBe('initial weights');
    // the status bar gives no training-memory figure for a network that cannot train, and says why
    const memory = page.getByTestId('status-memory');
    await expect.poll(() => memory.textContent(), { timeout: 30_000 }).toMatch(/^Train memory — @ batch/);
    expect(await memory.getAttribute('title')).toBe('Training memory: the network needs an output layer (Softmax or Regression) to train');
    const kinds: Record<string, string> = { input: 'maps', conv1: 'maps', pool2: 'maps', fc1: 'strip', fc2: 'strip' };
    for (const [id, kind] of Object.entries(kinds)) await expect.poll(() => nodePreview(page, id).getAttribute('data-kind'), { timeout: 30_000 }).toBe(kind);
    // the pill stays calm: no error class, no word of training or output layers, for a while
    for (let i = 0; i < 5; i++) {
      await page.waitForTimeout(200);
      expect(await pill(page).getAttribute('class')).not.toMatch(/is-error/);
      expect(await pill(page).textContent()).not.toMatch(/training|output layer/);
    }
    // the preset's notice sits over the pill until it goes by itself (4.5 s): the picture shows the pill
    await page.getByTestId('toast-info').waitFor({ state: 'detached', timeout: 20_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/canvas-previews-no-output.png` });

    // another sample goes through the output-less network: the Input's picture changes
    const inputBefore = await nodePreview(page, 'input').getAttribute('data-fingerprint');
    await page.getByTestId('preview-sample').fill('2');
    await expect.poll(() => nodePreview(page, 'input').getAttribute('data-fingerprint'), { timeout: 60_000 }).not.toBe(inputBefore);
    await expect.poll(() => pill(page).textContent(), { timeout: 30_000 }).toBe('initial weights');

    // shape errors: a quiet note, not a red error
    await select(page, 'conv1');
    await fill(page, 'param-kernelSize-0', '40');
    await expect.poll(() => pill(page).textContent(), { timeout: 30_000 }).toBe('no preview while the network has errors');
    expect(await pill(page).getAttribute('class')).not.toMatch(/is-error/);
    await page.screenshot({ path: `${SCREENSHOTS}/canvas-previews-shape-error.png` });

    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('says quietly that a network past the size limit is not previewed', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'alexnet.convas.json');
    await expect.poll(() => pill(page).textContent(), { timeout: 30_000 }).toBe('previews are off for networks over 500 MFLOP per sample');
    expect(await pill(page).getAttribute('class')).not.toMatch(/is-error/);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
