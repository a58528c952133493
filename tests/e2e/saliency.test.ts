/**
 * Saliency in the browser build: the seed's MNIST CNN trained briefly on Shapes, then Look
 * inside → Why: Grad-CAM on its last convolution (conv2, 8×8, resized to the 28×28 picture) and
 * the input gradient, laid over the validation sample, from the engine in a worker; another
 * sample gives another map; hovering reads the values.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, openPreset } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

declare const document: { documentElement: { setAttribute(name: string, value: string): void } };

async function pixels(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
}

describe('saliency', () => {
  it('overlays Grad-CAM on the last conv layer and the input gradient on a validation sample', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'seed-mnist-cnn.convas.json');
    await page.getByTestId('tab-train').click();
    await page.getByTestId('training-source').selectOption('shapes');
    await page.getByTestId('training-shapes-samples').fill('600');
    await page.getByTestId('training-shapes-test').fill('40');
    await page.getByTestId('training-epochs').fill('1');
    await page.getByTestId('training-backend').selectOption('cpu');
    await page.getByTestId('training-train').click();
    await page.getByTestId('training-status').filter({ hasText: /Finished|Failed/ }).waitFor({ timeout: 120_000 });
    const failure = (await page.getByTestId('training-error').count()) > 0 ? await page.getByTestId('training-error').textContent() : '';
    expect(`${await page.getByTestId('training-status').textContent()} ${failure}`).toMatch(/^Finished/);

    await page.getByTestId('tool-inside').click();
    await page.getByTestId('inside-tab-saliency').click();
    await page.getByTestId('saliency-gradcam').waitFor({ timeout: 60_000 });
    const cam = page.getByTestId('saliency-gradcam');
    // conv2's map is 8×8, drawn over the 28×28 picture
    await expect.poll(() => cam.getAttribute('data-h'), { timeout: 10_000 }).toBe('8');
    await expect.poll(() => cam.getAttribute('data-w'), { timeout: 10_000 }).toBe('8');
    // the canvas takes the picture's size in an effect after React renders
    await expect.poll(() => cam.getAttribute('width'), { timeout: 10_000 }).toBe('28');
    await expect.poll(() => page.getByTestId('saliency-input').getAttribute('data-h'), { timeout: 10_000 }).toBe('28');
    const cls = Number(await page.getByTestId('saliency-class').getAttribute('data-class'));
    expect(Number.isInteger(cls) && cls >= 0 && cls < 10).toBe(true);
    await page.locator('.saliency-figure figcaption').first().filter({ hasText: 'conv2' }).waitFor();

    // hover() waits for the picture to stop moving and aims at its centre
    await cam.hover();
    await page.getByTestId('pixel-readout').waitFor();
    expect(Number(await page.getByTestId('pixel-readout').getAttribute('data-value'))).toBeGreaterThanOrEqual(0);
    await page.getByTestId('inside').screenshot({ path: `${SCREENSHOTS}/saliency-dark.png` });
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    await page.getByTestId('inside').screenshot({ path: `${SCREENSHOTS}/saliency-light.png` });
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    await page.mouse.move(5, 5);

    const before = await pixels(page, 'saliency-input');
    await page.getByTestId('sample-next').click();
    await page.waitForFunction(
      (old) => {
        const c = (globalThis as unknown as { document: { querySelector(s: string): { toDataURL(): string } | null } }).document.querySelector('[data-testid="saliency-input"]');
        return c !== null && c.toDataURL() !== old;
      },
      before,
      { timeout: 60_000 },
    );
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
