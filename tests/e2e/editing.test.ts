/**
 * Everyday editing on the canvas: multi-select, copy/paste with the wires inside the selection,
 * delete, moves and their undo, quick-add at the cursor (also from a wire dropped on empty
 * canvas), auto-layout, the summary table, palette search, themes.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutProblems, nodeById, openApp, openPreset as openPresetFromGallery, outPort } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

// the view settles on the new document
const openPreset = (page: Page, file: string) => openPresetFromGallery(page, file, 350);

const count = (page: Page, what: 'node' | 'edge') => page.locator(`.react-flow__${what}`).count();

/** A point on empty canvas, right of the network. */
async function emptySpot(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  return { x: box.x + box.width - 260, y: box.y + 160 };
}

/** A point of the canvas where no block, wire or panel is: the pane itself is under it. */
async function emptyCanvasPoint(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  const found = await page.evaluate((b) => {
    const doc = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { classList: { contains(c: string): boolean } } | null } }).document;
    for (let fy = 0.85; fy >= 0.15; fy -= 0.05) {
      for (let fx = 0.15; fx <= 0.85; fx += 0.05) {
        const x = b.x + b.width * fx;
        const y = b.y + b.height * fy;
        if (doc.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  }, box);
  if (!found) throw new Error('no empty point on the canvas');
  return found;
}

describe('editing', () => {
  it('copies and pastes a selection with its inner wires, deletes, and undoes', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'lenet5.convas.json');
    const nodes = await count(page, 'node');
    const edges = await count(page, 'edge');

    await nodeById(page, 'conv1').locator('.layer-node-header').click();
    await nodeById(page, 'relu1').locator('.layer-node-header').click({ modifiers: ['Shift'] });
    await expect(page.getByTestId('inspector').textContent()).resolves.toContain('2 layers selected');
    await page.keyboard.press('Control+C');
    const spot = await emptySpot(page);
    await page.mouse.move(spot.x, spot.y);
    await page.keyboard.press('Control+V');
    await expect.poll(() => count(page, 'node'), { timeout: 10_000 }).toBe(nodes + 2);
    await expect.poll(() => count(page, 'edge'), { timeout: 10_000 }).toBe(edges + 1);
    await expect.poll(() => nodeById(page, 'conv2d_1').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => nodeById(page, 'relu_1').count(), { timeout: 10_000 }).toBe(1);

    await page.keyboard.press('Delete');
    await expect.poll(() => count(page, 'node'), { timeout: 10_000 }).toBe(nodes);
    await expect.poll(() => count(page, 'edge'), { timeout: 10_000 }).toBe(edges);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => count(page, 'node'), { timeout: 10_000 }).toBe(nodes + 2);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => count(page, 'node'), { timeout: 10_000 }).toBe(nodes);
    await page.keyboard.press('Control+Y');
    await expect.poll(() => count(page, 'node'), { timeout: 10_000 }).toBe(nodes + 2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('records a move as one undo step', async () => {
    const { page, context } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'lenet5.convas.json');
    const header = nodeById(page, 'conv1').locator('.layer-node-header');
    const before = (await nodeById(page, 'conv1').boundingBox())!;
    const h = (await header.boundingBox())!;
    await page.mouse.move(h.x + 30, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 150, h.y + h.height / 2 + 20, { steps: 8 });
    await page.mouse.up();
    const moved = (await nodeById(page, 'conv1').boundingBox())!;
    expect(moved.x - before.x).toBeGreaterThan(60);
    await page.keyboard.press('Control+Z');
    const back = (await nodeById(page, 'conv1').boundingBox())!;
    expect(Math.abs(back.x - before.x)).toBeLessThan(1);
    await context.close();
  });

  it('adds layers at the cursor: double-click, and a wire dropped on empty canvas', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'seed-kernel-fit.convas.json');
    const spot = await emptySpot(page);
    await page.mouse.dblclick(spot.x, spot.y);
    await page.getByTestId('quick-add').waitFor();
    await page.keyboard.type('dropo');
    await page.keyboard.press('Enter');
    await expect.poll(() => nodeById(page, 'dropout_1').count(), { timeout: 10_000 }).toBe(1);
    await expect(page.getByTestId('quick-add').count()).resolves.toBe(0);

    // Drag a wire out of the input and let go on empty canvas: the new layer comes connected.
    // Blocks grow when their output previews arrive and the view refits: wait until the input's
    // port stays put, then drop where the canvas itself (no block) is under the pointer.
    const edges = await count(page, 'edge');
    let from = (await outPort(page, 'input').boundingBox())!;
    await expect
      .poll(async () => {
        await page.waitForTimeout(400);
        const now = (await outPort(page, 'input').boundingBox())!;
        const still = Math.abs(now.x - from.x) < 0.5 && Math.abs(now.y - from.y) < 0.5;
        from = now;
        return still;
      }, { timeout: 30_000 })
      .toBe(true);
    const drop = await emptyCanvasPoint(page);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(drop.x, drop.y, { steps: 10 });
    await page.mouse.up();
    await page.getByTestId('quick-add').waitFor();
    await page.keyboard.type('relu');
    await page.keyboard.press('Enter');
    await expect.poll(() => nodeById(page, 'relu_1').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => count(page, 'edge'), { timeout: 10_000 }).toBe(edges + 1);
    await expect(nodeById(page, 'relu_1').getByTestId('node-output').textContent()).resolves.toBe('1×80×80');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('deletes through the right-click menu, and drops a wire pulled off its port', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'resnet-basic-block.convas.json');
    const nodes = await count(page, 'node');
    const edges = await count(page, 'edge');
    await nodeById(page, 'relu1').locator('.layer-node-header').click({ button: 'right' });
    await page.getByTestId('context-menu').getByRole('menuitem', { name: 'Delete' }).click();
    await expect.poll(() => count(page, 'node'), { timeout: 10_000 }).toBe(nodes - 1);
    await expect.poll(() => count(page, 'edge'), { timeout: 10_000 }).toBe(edges - 2);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => count(page, 'edge'), { timeout: 10_000 }).toBe(edges);

    // Grab the wire's end at bn1's input and let go on empty canvas: the wire is gone (one undo step).
    const end = (await page.locator('.react-flow__edge[data-id$="->bn1:0"] .react-flow__edgeupdater-target').boundingBox())!;
    await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2 - 2);
    await page.mouse.down();
    const spot = await emptySpot(page);
    await page.mouse.move(spot.x, spot.y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => count(page, 'edge'), { timeout: 10_000 }).toBe(edges - 1);
    await expect(nodeById(page, 'bn1').getByTestId('node-error').getAttribute('data-pending')).resolves.toBe('true');
    await expect(page.getByTestId('quick-add').count()).resolves.toBe(0);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => count(page, 'edge'), { timeout: 10_000 }).toBe(edges);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lays the graph out without overlaps and lists every layer in the summary', async () => {
    const { page, context } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'resnet-basic-block-projection.convas.json');
    await page.getByTestId('tool-autoLayout').click();
    await page.waitForTimeout(500);
    expect(await layoutProblems(page)).toEqual([]);
    await page.getByTestId('tool-toggleSummary').click();
    const table = page.getByTestId('summary-table');
    await expect(table.locator('tbody tr').count()).resolves.toBe(await count(page, 'node'));
    await expect(page.getByTestId('summary-total').textContent()).resolves.toBe(await page.getByTestId('status-params').textContent());
    await page.screenshot({ path: `${SCREENSHOTS}/summary-table.png` });
    await context.close();
  });

  it('filters the palette and switches to the light theme', async () => {
    const { page, context } = await newPage(s);
    await openApp(page, s.url);
    await page.getByTestId('palette-search').fill('pool');
    const list = page.locator('[data-testid^="palette-item-"]');
    const items = await Promise.all(Array.from({ length: await list.count() }, (_, i) => list.nth(i).getAttribute('data-testid')));
    expect(items.sort()).toEqual(['palette-item-AvgPool2D', 'palette-item-GlobalAvgPool', 'palette-item-MaxPool2D']);
    await page.getByTestId('palette-search').fill('');
    await openPreset(page, 'inception-3a.convas.json');
    await page.getByTestId('tool-toggleTheme').click();
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('light');
    await nodeById(page, 'b2_3x3').locator('.layer-node-header').click();
    await page.screenshot({ path: `${SCREENSHOTS}/light-theme.png` });
    // The choice is remembered.
    await page.reload();
    await page.getByTestId('palette').waitFor();
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('light');
    await context.close();
  });
});
