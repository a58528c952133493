/**
 * Looking inside a trained network in the browser build: a short run of the seed's MNIST CNN
 * on Shapes through the Train tab, then the evaluation (accuracy, a confusion matrix whose
 * cells add up and pick their samples, a prediction grid with mistakes marked) and one
 * sample through every layer. Screenshots go to tests/e2e/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickNode, openApp } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

async function openPreset(page: Page, file: string): Promise<void> {
  await page.getByTestId('tool-showGallery').click();
  await page.locator(`[data-testid="preset-card"][data-file="${file}"]`).click();
  await page.getByTestId('gallery').waitFor({ state: 'detached' });
}

/** Train the open project briefly on small Shapes through the Train tab, until it finishes. */
async function trainBriefly(page: Page, o: { samples: number; test: number; epochs: number }): Promise<void> {
  await page.getByTestId('tab-train').click();
  await page.getByTestId('training-source').selectOption('shapes');
  await page.getByTestId('training-shapes-samples').fill(String(o.samples));
  await page.getByTestId('training-shapes-test').fill(String(o.test));
  await page.getByTestId('training-epochs').fill(String(o.epochs));
  // the cpu backend: the visuals are under test here, not the speed (and it needs no GPU)
  await page.getByTestId('training-backend').selectOption('cpu');
  await page.getByTestId('training-train').click();
  await page.getByTestId('training-status').filter({ hasText: /Finished|Failed/ }).waitFor({ timeout: 110_000 });
  await expect(page.getByTestId('training-status').textContent()).resolves.toContain('Finished');
}

interface Cell {
  t: number;
  p: number;
  count: number;
  share: number;
}

async function cells(page: Page): Promise<Cell[]> {
  const all = page.locator('[data-testid^="confusion-cell-"]');
  const n = await all.count();
  const out: Cell[] = [];
  for (let i = 0; i < n; i++) {
    const el = all.nth(i);
    const [, t, p] = /confusion-cell-(\d+)-(\d+)/.exec((await el.getAttribute('data-testid'))!)!;
    out.push({ t: Number(t), p: Number(p), count: Number(await el.getAttribute('data-count')), share: Number(await el.getAttribute('data-share')) });
  }
  return out;
}

/** The page's root element, for code run inside it; the Node-side typecheck has no DOM library. */
declare const document: { documentElement: { setAttribute(name: string, value: string): void } };

describe('looking inside a trained network', () => {
  it('evaluates: accuracy, a confusion matrix that adds up, cells that pick their samples, mistakes marked', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'seed-mnist-cnn.convas.json');
    await expect(page.getByTestId('tool-inside').isDisabled()).resolves.toBe(true);
    await trainBriefly(page, { samples: 1500, test: 120, epochs: 2 });

    await page.getByTestId('tool-inside').click();
    await page.getByTestId('evaluation').waitFor({ timeout: 30_000 });
    await page.getByTestId('confusion').waitFor();
    const evaluated = async () => Number((await page.getByTestId('evaluation-count').textContent())!.replace(/,/g, ''));
    await expect.poll(evaluated, { timeout: 10_000 }).toBe(120);
    const count = await evaluated();

    // the net's 10 outputs draw 10 shapes (the Train tab matches Shapes to the Softmax): a 10×10
    // matrix that holds every sample, accuracy = diagonal / samples
    const cs = await cells(page);
    expect(cs).toHaveLength(100);
    const total = cs.reduce((a, c) => a + c.count, 0);
    expect(total).toBe(count);
    const diagonal = cs.filter((c) => c.t === c.p).reduce((a, c) => a + c.count, 0);
    const accuracyText = (await page.getByTestId('evaluation-accuracy').textContent())!;
    expect(accuracyText).toBe(`${((diagonal / count) * 100).toFixed(1)} %`);
    // a short run learns something: well better than chance (1 in 10)
    console.log(`2 epochs of 1,500 ten-class Shapes on cpu: evaluation accuracy ${accuracyText}`);
    expect(diagonal / count).toBeGreaterThan(0.25);
    // every non-empty row's shares add to 1
    for (let t = 0; t < 10; t++) {
      const row = cs.filter((c) => c.t === t);
      const n = row.reduce((a, c) => a + c.count, 0);
      if (n > 0) expect(row.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 9);
    }
    await page.getByTestId('confusion-normalised').click();
    const first = cs.find((c) => c.t === 0 && c.p === 0)!;
    const pct = first.share * 100;
    await expect.poll(() => page.getByTestId('confusion-cell-0-0').textContent(), { timeout: 10_000 }).toBe(pct >= 10 ? pct.toFixed(0) : String(Number(pct.toFixed(1))));

    // the prediction grid: the first 48 samples, each tile's classes, mistakes marked
    const tiles = page.getByTestId('prediction');
    await expect.poll(() => tiles.count(), { timeout: 10_000 }).toBe(48);
    await page.locator('[data-testid="prediction"] canvas').nth(47).waitFor({ timeout: 30_000 });
    const wrongTiles = await page.locator('[data-testid="prediction"].is-wrong').count();
    const wrongByData = await tiles.evaluateAll((els) => els.filter((e) => (e as unknown as { dataset: Record<string, string> }).dataset.truth !== (e as unknown as { dataset: Record<string, string> }).dataset.predicted).length);
    expect(wrongTiles).toBe(wrongByData);
    await expect(page.locator('[data-testid="prediction"].is-wrong .prediction-mark').count()).resolves.toBe(wrongTiles);
    await page.screenshot({ path: `${SCREENSHOTS}/inside-evaluation.png` });
    // the same view in the light theme (the dialog covers the toolbar's theme button)
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    await page.screenshot({ path: `${SCREENSHOTS}/inside-evaluation-light.png` });
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));

    // click the biggest mistake cell (or, with none, the biggest cell): the grid shows exactly its samples
    const offDiagonal = cs.filter((c) => c.t !== c.p && c.count > 0).sort((a, b) => b.count - a.count);
    const pick = offDiagonal[0] ?? [...cs].sort((a, b) => b.count - a.count)[0];
    await page.getByTestId(`confusion-cell-${pick.t}-${pick.p}`).click();
    await expect.poll(() => page.getByTestId('grid-caption').textContent(), { timeout: 10_000 }).toContain(`${pick.count} samples of class`);
    await expect.poll(() => tiles.count(), { timeout: 10_000 }).toBe(Math.min(48, pick.count));
    const picked = await tiles.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset).map((d) => [Number(d.truth), Number(d.predicted)]));
    for (const [t, p] of picked) expect([t, p]).toEqual([pick.t, pick.p]);
    await page.locator('[data-testid="prediction"] canvas').first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/inside-evaluation-cell.png` });

    // mistakes only
    await page.getByTestId('grid-mistakes').click();
    const mistakes = count - diagonal;
    await expect.poll(() => page.getByTestId('grid-mistakes').textContent(), { timeout: 10_000 }).toBe(`Mistakes (${mistakes})`);
    await expect.poll(() => tiles.count(), { timeout: 10_000 }).toBe(Math.min(48, mistakes));
    await expect.poll(() => page.locator('[data-testid="prediction"]:not(.is-wrong)').count(), { timeout: 10_000 }).toBe(0);

    // one sample through every layer: conv1's 8 maps of 24×24 and its kernels
    await page.getByTestId('inside-tab-layers').click();
    await page.getByTestId('layers-view').waitFor();
    await page.locator('[data-testid^="maps-"]').first().waitFor({ timeout: 30_000 });
    const convMaps = page.locator('[data-testid="layer-conv1"] [data-testid="maps-conv1"]');
    await expect.poll(() => convMaps.getAttribute('data-channels'), { timeout: 10_000 }).toBe('8');
    await expect.poll(() => page.locator('[data-testid="layer-conv1"] .kernel-grid').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('sample-next').click();
    await expect.poll(() => page.getByTestId('sample-number').inputValue(), { timeout: 10_000 }).toBe('1');
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${SCREENSHOTS}/inside-layers.png` });

    // the Visuals tab follows the canvas selection: conv1's kernels and its maps for sample 1
    await page.keyboard.press('Escape');
    await page.getByTestId('inside').waitFor({ state: 'detached' });
    await page.getByTestId('tab-visuals').click();
    await page.getByTestId('visuals-panel').waitFor();
    await clickNode(page, 'conv1');
    await page.getByTestId('visuals-kernels').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('visuals-kernels').getAttribute('data-filters'), { timeout: 10_000 }).toBe('8');
    await expect.poll(() => page.getByTestId('visuals-kernels').locator('canvas').count(), { timeout: 10_000 }).toBe(8);
    await page.getByTestId('visuals-maps').waitFor();
    await expect.poll(() => page.getByTestId('visuals-maps').getAttribute('data-channels'), { timeout: 30_000 }).toBe('8');
    await expect.poll(() => page.getByTestId('visuals-kernels-scale').locator('.color-bar-ticks span').count(), { timeout: 10_000 }).toBe(3);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SCREENSHOTS}/visuals-panel-conv.png` });
    // the output layer: one bar per output, the classes named
    await clickNode(page, 'softmax');
    // softmax's bars replace conv1's maps once the worker has answered
    await expect.poll(() => page.locator('[data-testid="visuals-maps"] .vector-bar').count(), { timeout: 30_000 }).toBe(10);
    await expect.poll(() => page.locator('[data-testid="visuals-maps"] .vector-label').first().textContent(), { timeout: 10_000 }).toBe('circle');
    await page.screenshot({ path: `${SCREENSHOTS}/visuals-panel-softmax.png` });
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
