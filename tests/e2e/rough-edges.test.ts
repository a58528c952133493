/**
 * Rough edges from issue 13's screenshots, checked in the browser build: "—" and the reason in
 * the status bar while a layer has a shape error, one toast at a time and never over the right
 * panel, the training lock clear of the network's first layer, "Ran on" with the backend named
 * plainly once the run ends, and the narrow Train tab and curves in both themes (screenshots).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, fill, nodeById, openApp, openPreset, select } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

function overlap(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('rough edges', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`status, toasts, lock, backend naming and the narrow Train tab (${theme})`, async () => {
      const { page, context, errors } = await newPage(s, { theme });
      await openApp(page, s.url);
      await openPreset(page, 'seed-mnist-cnn.convas.json');

      // one toast (the preset's), placed over the canvas, not over the right panel
      await page.getByTestId('toast-info').first().waitFor();
      await expect.poll(() => page.locator('.toast').count(), { timeout: 10_000 }).toBe(1);
      const toast = (await page.locator('.toast').boundingBox())!;
      const panel = (await page.getByTestId('tab-train').boundingBox())!;
      expect(toast.x + toast.width).toBeLessThan(panel.x);

      // a shape error: Params and FLOPs say "—" and why, and the node suggests the fix
      await select(page, 'conv2');
      await fill(page, 'param-kernelSize-0', '13');
      await expect.poll(() => errorOf(page, 'conv2').textContent(), { timeout: 10_000 }).toContain('use padding "same" or a kernel of at most 12×12');
      await expect.poll(() => page.getByTestId('status-params').textContent(), { timeout: 10_000 }).toBe('—');
      await expect.poll(() => page.getByTestId('status-params').getAttribute('data-why'), { timeout: 10_000 }).toContain('conv2: kernel 13×13 does not fit input 12×12');
      await page.keyboard.press('Escape');
      await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
      await page.keyboard.press('Control+Z');
      await expect.poll(() => page.getByTestId('status-params').textContent(), { timeout: 10_000 }).toBe('12,042');

      await page.getByTestId('tab-train').click();
      await page.getByTestId('training-source').selectOption('shapes');
      await page.getByTestId('training-shapes-samples').fill('1500');
      await page.getByTestId('training-shapes-test').fill('100');
      await page.getByTestId('training-epochs').fill('2');
      await page.getByTestId('training-backend').selectOption('cpu');
      await page.screenshot({ path: `${SCREENSHOTS}/train-tab-${theme}.png`, clip: { ...panel, x: panel.x - 20, y: 40, width: 1440 - panel.x + 20, height: 860 } });
      await page.getByTestId('training-train').click();

      // the lock banner stays clear of the first layer
      const lock = page.getByTestId('canvas-lock');
      await lock.waitFor({ timeout: 60_000 });
      expect(overlap((await lock.boundingBox())!, (await nodeById(page, 'input').boundingBox())!)).toBe(false);
      await expect.poll(() => page.getByTestId('training-running-on').textContent(), { timeout: 60_000 }).toMatch(/^Running on CPU, plain JavaScript/);
      await page.screenshot({ path: `${SCREENSHOTS}/training-locked-${theme}.png` });

      await page.getByTestId('training-status').filter({ hasText: /Finished|Failed/ }).waitFor({ timeout: 150_000 });
      await expect.poll(() => page.getByTestId('training-running-on').textContent(), { timeout: 10_000 }).toMatch(/^Ran on CPU, plain JavaScript — reference, slow \(cpu\)/);
      await page.screenshot({ path: `${SCREENSHOTS}/training-done-${theme}.png` });
      expect(errors).toEqual([]);
      await context.close();
    }, 240_000);
  }
});
