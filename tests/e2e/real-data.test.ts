/**
 * Real data in the browser build, with no download: the seed's MNIST CNN opens on the built-in
 * MNIST digits (its chapter's data), trains one epoch of 8,000 real digits in the Web Worker,
 * and the evaluation shows 2,000 real test digits in the prediction grid. The 18.5 Fashion
 * preset, whose Fashion-MNIST only a desktop system can have, falls back to the digits.
 * Screenshots go to tests/e2e/screenshots/.
 */
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

describe('built-in MNIST digits', () => {
  it('trains the 18.4 CNN one epoch on real digits and shows them in the prediction grid', { timeout: 600_000 }, async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await page.getByTestId('tool-showGallery').click();
    await page.locator('[data-testid="preset-card"][data-file="seed-mnist-cnn.convas.json"]').click();
    await page.getByTestId('gallery').waitFor({ state: 'detached' });
    await page.getByTestId('tab-train').click();

    // the preset names its chapter's data: the built-in digits, described before training
    await expect.poll(() => page.getByTestId('training-source').inputValue(), { timeout: 10_000 }).toBe('mnist');
    await expect.poll(() => page.getByTestId('training-data-count').textContent(), { timeout: 60_000 }).toBe('8,000 train · 2,000 test');
    await expect.poll(() => page.getByTestId('training-data-info').textContent(), { timeout: 10_000 }).toContain('Classes (10)0, 1, 2, 3, 4, 5, 6, 7, 8, 9');
    await page.getByTestId('training-fit-ok').waitFor();
    await page.getByTestId('training-data').screenshot({ path: `${SCREENSHOTS}/data-mnist-digits.png` });

    await page.getByTestId('training-epochs').fill('1');
    await page.getByTestId('training-backend').selectOption('webasm');
    await page.getByTestId('training-train').click();
    await page.getByTestId('training-status').filter({ hasText: /Finished|Failed/ }).waitFor({ timeout: 540_000 });
    await expect(page.getByTestId('training-status').textContent()).resolves.toContain('Finished');

    await page.getByTestId('tool-inside').click();
    await page.getByTestId('evaluation').waitFor({ timeout: 60_000 });
    await expect.poll(async () => Number((await page.getByTestId('evaluation-count').textContent())!.replace(/,/g, '')), { timeout: 30_000 }).toBe(2000);
    const accuracy = Number((await page.getByTestId('evaluation-accuracy').textContent())!.replace(' %', ''));
    console.log(`seed MNIST CNN, 1 epoch of 8,000 built-in MNIST digits in the browser (webasm): test accuracy ${accuracy} %`);
    // one epoch of real digits: well above chance, as the seed's 18.4 reaches in its first epoch
    expect(accuracy).toBeGreaterThan(85);
    // per-class precision, recall and F1 beside the matrix: supports add up to the samples,
    // each recall is the matrix's diagonal over its row
    const rows = await page.locator('[data-testid^="class-report-row-"]').evaluateAll((els) =>
      els.map((e) => {
        const d = (e as unknown as { dataset: Record<string, string> }).dataset;
        return { precision: Number(d.precision), recall: Number(d.recall), f1: Number(d.f1), support: Number(d.support) };
      }),
    );
    expect(rows).toHaveLength(10);
    expect(rows.reduce((a, r) => a + r.support, 0)).toBe(2000);
    for (let c = 0; c < 10; c++) {
      const diag = Number(await page.getByTestId(`confusion-cell-${c}-${c}`).getAttribute('data-count'));
      expect(rows[c].recall).toBeCloseTo(diag / rows[c].support, 9);
      expect(rows[c].f1).toBeCloseTo((2 * rows[c].precision * rows[c].recall) / (rows[c].precision + rows[c].recall), 9);
    }
    const tiles = page.getByTestId('prediction');
    await expect.poll(() => tiles.count(), { timeout: 30_000 }).toBe(48);
    await page.locator('[data-testid="prediction"] canvas').nth(47).waitFor({ timeout: 30_000 });
    const truths = await tiles.evaluateAll((els) => els.map((e) => Number((e as unknown as { dataset: Record<string, string> }).dataset.truth)));
    // real test digits, every class among the first 48 (the split is shuffled)
    expect(new Set(truths).size).toBe(10);
    await page.screenshot({ path: `${SCREENSHOTS}/inside-mnist-digits.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens the 18.5 Fashion preset on the digits where the system’s Fashion-MNIST cannot be read', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await page.getByTestId('tool-showGallery').click();
    await page.locator('[data-testid="preset-card"][data-file="seed-fashion-mnist-dnn.convas.json"]').click();
    await page.getByTestId('gallery').waitFor({ state: 'detached' });
    await page.getByTestId('tab-train').click();
    await expect.poll(() => page.getByTestId('training-source').inputValue(), { timeout: 10_000 }).toBe('mnist');
    await expect.poll(() => page.getByTestId('training-data-count').textContent(), { timeout: 60_000 }).toBe('8,000 train · 2,000 test');
    // asked for explicitly, the browser says how to get it
    await page.getByTestId('training-source').selectOption('fashion-mnist');
    await expect.poll(() => page.getByTestId('training-data-error').textContent(), { timeout: 30_000 }).toContain('sudo apt install dataset-fashion-mnist');
    expect(errors).toEqual([]);
    await context.close();
  });
});
