/**
 * File → Export model in the browser build: after a short training run of the MNIST CNN preset,
 * each format downloads, and the app shows the check's figure — ONNX run by onnxruntime-web,
 * TF.js and the Keras file (its own config and HDF5 weights) run by TensorFlow.js in the page,
 * each against the run's worker within 1e-4; PyTorch says where it is checked instead. The
 * command (toolbar button / Mod+Shift+E, File → Export → Model… on the desktop) is disabled with
 * its reason until a run has trained, then opens the Train tab's export control.
 */
import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

/** The page's document, as far as this test reads it inside page.evaluate (the e2e tsconfig has no DOM types). */
declare const document: { activeElement: { getAttribute(name: string): string | null } | null };

const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();

describe('export model from the app', () => {
  it('exports ONNX, TF.js, Keras and PyTorch after training, showing the verification figure', async () => {
    const { page } = await newPage(s);
    await openApp(page, s.url);
    await page.getByTestId('tool-showGallery').click();
    await page.locator('[data-testid="preset-card"][data-file="seed-mnist-cnn.convas.json"]').click();
    await page.getByTestId('gallery').waitFor({ state: 'detached' });
    const command = page.getByTestId('tool-exportModel');
    expect(await command.isDisabled()).toBe(true);
    expect(await command.getAttribute('title')).toContain('needs trained weights');
    await page.getByTestId('tab-train').click();
    await page.getByTestId('training-source').selectOption('shapes');
    await page.getByTestId('training-shapes-samples').fill('256');
    await page.getByTestId('training-shapes-test').fill('64');
    await page.getByTestId('training-epochs').fill('1');
    await page.getByTestId('training-backend').selectOption('webasm');
    await page.getByTestId('training-fit-ok').waitFor();
    await page.getByTestId('training-train').click();
    await expect.poll(() => text(page, 'training-status'), { timeout: 90_000 }).toBe('Finished');

    // the command opens the same export control from elsewhere in the app, format choice focused
    const opensExport = async (issue: () => Promise<void>) => {
      await page.getByTestId('tab-inspector').click();
      await page.getByTestId('export-model').waitFor({ state: 'detached' });
      await issue();
      await page.getByTestId('export-model').waitFor();
      expect(await page.getByTestId('tab-train').getAttribute('aria-selected')).toBe('true');
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('export-model-format');
    };
    await expect.poll(() => command.isDisabled(), { timeout: 10_000 }).toBe(false);
    await opensExport(() => command.click());
    await opensExport(() => page.keyboard.press('Control+Shift+E'));

    for (const [format, name] of [['onnx', /\.onnx$/], ['tfjs', /-tfjs\.zip$/], ['keras', /\.keras$/], ['pytorch', /-pytorch\.zip$/]] as const) {
      await page.getByTestId('export-model-format').selectOption(format);
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.getByTestId('export-model-run').click()]);
      expect(download.suggestedFilename()).toMatch(name);
      expect(statSync(await download.path()).size).toBeGreaterThan(10_000);
      await expect.poll(() => text(page, 'export-model-result'), { timeout: 30_000 }).toContain(download.suggestedFilename());
      const result = await text(page, 'export-model-result');
      if (format === 'pytorch') {
        expect(result).toContain('PyTorch does not run in the app');
      } else {
        const m = /verified with (.+?): outputs of 2 inputs .* largest difference from Convas ([\d.e+-]+) \(allowed/.exec(result);
        expect(m, result).not.toBeNull();
        expect(m![1]).toMatch(format === 'onnx' ? /onnxruntime-web/ : /TensorFlow\.js/);
        expect(Number(m![2])).toBeLessThanOrEqual(1e-4);
      }
      if (format === 'keras') await page.getByTestId('training-weights').screenshot({ path: `${SCREENSHOTS}/export-model.png` });
    }
  });
});
