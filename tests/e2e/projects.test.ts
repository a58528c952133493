/**
 * Projects in the browser build: save (a download), reload, open (a file upload) gives the same
 * graph and layout; unsaved work survives a crash through the recovery copy.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill, nodeById, openApp, openFileFromToolbar, openPreset, outputOf, select } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

// Read inside the page (page.waitForFunction); the Node-side typecheck has no DOM library.
declare const localStorage: { getItem(key: string): string | null };

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

/** Save through the toolbar; returns the downloaded file's JSON and text. */
async function saveDownload(page: Page): Promise<{ text: string; json: Record<string, unknown>; path: string; name: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tool-save').click()]);
  const path = await download.path();
  const text = readFileSync(path, 'utf8');
  return { text, json: JSON.parse(text), path, name: download.suggestedFilename() };
}

describe('projects', () => {
  it('saves, reloads and opens the same graph', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'seed-mnist-cnn.convas.json');
    // Edit it: a parameter and a name, so the file is not just the preset.
    await select(page, 'conv1');
    await fill(page, 'param-filters', '12');
    await fill(page, 'inspector-name', 'features');
    await page.getByTestId('inspector-name').press('Enter');
    await expect.poll(() => nodeById(page, 'features').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('doc-dirty').count(), { timeout: 10_000 }).toBe(1);

    const saved = await saveDownload(page);
    expect(saved.name).toMatch(/\.convas\.json$/);
    expect(saved.json.format).toBe('convas-project');
    await expect.poll(() => page.getByTestId('doc-dirty').count(), { timeout: 10_000 }).toBe(0);
    const params = await page.getByTestId('status-params').textContent();

    await page.reload();
    await page.getByTestId('palette').waitFor();
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(0);
    await openFileFromToolbar(page, saved.path);
    await nodeById(page, 'features').waitFor();
    await expect.poll(() => page.getByTestId('status-params').textContent(), { timeout: 10_000 }).toBe(params);
    await expect.poll(() => outputOf(page, 'features').textContent(), { timeout: 10_000 }).toMatch(/^12×/);

    // Saving again without a change writes the same graph, layout and settings.
    const again = await saveDownload(page);
    for (const key of ['graph', 'layout', 'training', 'name']) expect(again.json[key], key).toEqual(saved.json[key]);
    await page.screenshot({ path: `${SCREENSHOTS}/reopened.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers unsaved work back after a crash', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'lenet5.convas.json');
    await select(page, 'fc1');
    await fill(page, 'param-units', '100');
    await expect.poll(() => outputOf(page, 'fc1').textContent(), { timeout: 10_000 }).toBe('100');
    const params = await page.getByTestId('status-params').textContent();
    // The autosave runs every few seconds while there are unsaved changes.
    await page.waitForFunction(() => localStorage.getItem('convas.recovery') !== null, undefined, { timeout: 15_000 });
    await page.close(); // no beforeunload: as if the app died

    const again = await context.newPage();
    await openApp(again, s.url);
    await again.getByTestId('recovery-banner').waitFor();
    await again.getByTestId('recovery-restore').click();
    await nodeById(again, 'fc1').waitFor();
    await expect.poll(() => outputOf(again, 'fc1').textContent(), { timeout: 10_000 }).toBe('100');
    await expect.poll(() => again.getByTestId('status-params').textContent(), { timeout: 10_000 }).toBe(params);
    await expect.poll(() => again.getByTestId('doc-dirty').count(), { timeout: 10_000 }).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
