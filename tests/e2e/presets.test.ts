/**
 * Every preset opened from the gallery: no errors, the parameter total the preset documents,
 * nodes that do not overlap and text that is not clipped. Screenshots go to
 * tests/e2e/screenshots/ for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutProblems, openApp, steadyView } from './helpers/editor';
import { presetFiles } from './helpers/presets';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

const presets = presetFiles();

describe('presets gallery', () => {
  it('lists every preset file', async () => {
    const { page, context } = await newPage(s);
    await openApp(page, s.url);
    await page.getByTestId('tool-showGallery').click();
    await expect.poll(() => page.getByTestId('preset-card').count(), { timeout: 10_000 }).toBe(presets.length);
    if (presets.length === 0) await expect.poll(() => page.getByTestId('gallery-empty').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(300); // the dialog fades in
    await page.screenshot({ path: `${SCREENSHOTS}/gallery.png` });
    await context.close();
  });

  it.each(presets.map((p) => [p.file, p] as const))('opens %s without errors and with its documented parameter total', async (_file, preset) => {
    expect(preset.expectedParams, `${preset.file} documents no parameter total (expectedParams in the file or a row in resources/presets/README.md)`).not.toBeNull();
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await page.getByTestId('tool-showGallery').click();
    await page.locator(`[data-testid="preset-card"][data-file="${preset.file}"]`).click();
    await page.getByTestId('gallery').waitFor({ state: 'detached' });
    // React Flow draws the wires a frame after the blocks: wait for both
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 30_000 }).toBe(preset.json.graph.nodes.length);
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 30_000 }).toBe(preset.json.graph.edges.length);
    await expect.poll(() => page.getByTestId('node-error').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('status-errors').textContent(), { timeout: 10_000 }).toContain('No problems');
    await expect.poll(() => page.getByTestId('status-params').textContent(), { timeout: 10_000 }).toBe(preset.expectedParams!.toLocaleString('en-US'));
    await page.waitForTimeout(350);
    // measured on the settled view: blocks measured and placed, grown by previews, the fit done
    await steadyView(page);
    expect(await layoutProblems(page)).toEqual([]);
    // it opens fitted to view: every block on screen, however big the network
    const pane = (await page.locator('.react-flow').boundingBox())!;
    const boxes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => (e as unknown as { getBoundingClientRect(): { left: number; top: number; right: number; bottom: number } }).getBoundingClientRect()));
    const outside = boxes.filter((b) => b.left < pane.x - 1 || b.top < pane.y - 1 || b.right > pane.x + pane.width + 1 || b.bottom > pane.y + pane.height + 1);
    expect(outside.length, `${outside.length} of ${boxes.length} blocks are off screen after opening`).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/preset-${preset.file.replace('.convas.json', '')}.png` });
    expect(errors).toEqual([]);
    await context.close();
  });
});
