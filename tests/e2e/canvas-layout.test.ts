/**
 * The whole network on screen, readable: VGG-16 opens wrapped into columns at a zoom where its
 * text reads, every wire ends in an arrowhead, wires that go back up into the next column pass
 * no node, shape labels come and go with the toolbar toggle, and a node that grows (an error
 * line) pushes its neighbour down instead of overlapping it. Screenshots in both themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fill, layoutProblems, nodeById, openApp, openPreset as openPresetFromGallery, select, steady, steadyView } from './helpers/editor';
import { presetFiles } from './helpers/presets';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

async function openPreset(page: Page, file: string): Promise<void> {
  await openApp(page, s.url);
  await openPresetFromGallery(page, file, 600); // measured, then fitted to view (animated)
  // on a loaded machine the fit, the wires and blocks grown by previews can come later still
  await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 30_000 }).toBe(edgesOf(file));
  await steadyView(page);
}

const edgesOf = (file: string): number => presetFiles().find((p) => p.file === file)!.json.graph.edges.length;

// Code run in the page is given as source text: the Node-side typecheck has no DOM library.
const zoomOf = (page: Page): Promise<number> =>
  page.evaluate('new DOMMatrixReadOnly(getComputedStyle(document.querySelector(".react-flow__viewport")).transform).a');

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
  height: number;
}
const rects = (page: Page, selector: string): Promise<Rect[]> =>
  page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.getBoundingClientRect().toJSON())`);

/** Edges whose drawn path passes through a node other than its two ends (sampled every 6 px). */
const WIRES_THROUGH_NODES = `(() => {
  const nodes = [...document.querySelectorAll('.react-flow__node')].map((n) => ({ id: n.dataset.id, r: n.getBoundingClientRect() }));
  const out = [];
  for (const g of document.querySelectorAll('.react-flow__edge')) {
    const id = g.dataset.id || g.getAttribute('data-id') || '';
    const [source, rest] = id.split('->');
    const target = (rest || '').split(':')[0];
    const path = g.querySelector('.react-flow__edge-path');
    const ctm = path.getScreenCTM();
    const len = path.getTotalLength();
    for (let d = 0; d <= len; d += 6) {
      const q = path.getPointAtLength(d);
      const p = new DOMPoint(q.x, q.y).matrixTransform(ctm);
      const hit = nodes.find((n) => n.id !== source && n.id !== target && p.x > n.r.left + 2 && p.x < n.r.right - 2 && p.y > n.r.top + 2 && p.y < n.r.bottom - 2);
      if (hit) { out.push(id + ' passes through ' + hit.id); break; }
    }
  }
  return out;
})()`;
const wiresThroughNodes = (page: Page): Promise<string[]> => page.evaluate(WIRES_THROUGH_NODES);

describe('seeing the whole network', () => {
  it('opens VGG-16 in columns, readable, every block on screen, every wire with an arrowhead, no wire through a node', async () => {
    for (const theme of ['dark', 'light'] as const) {
      const { page, context, errors } = await newPage(s, { theme });
      await openPreset(page, 'vgg16.convas.json');
      const zoom = await zoomOf(page);
      console.log(`VGG-16 opens at zoom ${zoom.toFixed(2)} (${theme})`);
      expect(zoom).toBeGreaterThanOrEqual(0.45);
      const nodes = await rects(page, '.react-flow__node');
      const xs = nodes.map((b) => Math.round(b.left));
      expect(new Set(xs).size, 'columns').toBeGreaterThanOrEqual(3);
      expect(await layoutProblems(page)).toEqual([]);
      const pane = (await page.locator('.react-flow').boundingBox())!;
      expect(nodes.filter((b) => b.left < pane.x - 1 || b.top < pane.y - 1 || b.right > pane.x + pane.width + 1 || b.bottom > pane.y + pane.height + 1)).toEqual([]);
      // node text at this zoom: the id is at least 6 px tall on screen
      const [name] = await rects(page, '.layer-node-name');
      expect(name.height).toBeGreaterThanOrEqual(6);
      const edges = await page.locator('.react-flow__edge').count();
      expect(edges).toBe(40);
      await expect.poll(() => page.locator('.react-flow__edge .layer-edge-arrow').count(), { timeout: 10_000 }).toBe(edges);
      expect(await wiresThroughNodes(page)).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOTS}/layout-vgg16-${theme}.png` });
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('labels every wire with the shape it carries when Wire shapes is on, and not when off', async () => {
    const { page, context, errors } = await newPage(s);
    await openPreset(page, 'seed-mnist-cnn.convas.json');
    await expect(page.getByTestId('wire-shape').count()).resolves.toBe(0);
    await page.getByTestId('tool-toggleWireShapes').click();
    const edges = edgesOf('seed-mnist-cnn.convas.json');
    await expect.poll(() => page.getByTestId('wire-shape').count(), { timeout: 10_000 }).toBe(edges);
    // the wire out of conv1 carries conv1's output shape
    const conv1 = await nodeById(page, 'conv1').getByTestId('node-output').textContent();
    await expect.poll(() => page.getByTestId('wire-shape').allTextContents(), { timeout: 10_000 }).toContain(conv1);
    await page.screenshot({ path: `${SCREENSHOTS}/layout-wire-shapes.png` });
    await page.getByTestId('tool-toggleWireShapes').click();
    await expect.poll(() => page.getByTestId('wire-shape').count(), { timeout: 10_000 }).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('moves the node below down when a node grows an error line, instead of overlapping it', async () => {
    const { page, context } = await newPage(s, { theme: 'light' });
    await openPreset(page, 'seed-mnist-cnn.convas.json');
    // in flow units (screen pixels divided by the zoom): the view may refit between the two readings
    const scale = () => page.evaluate(`new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a`) as Promise<number>;
    const box = async (id: string) => {
      const [b, z] = await Promise.all([nodeById(page, id).boundingBox(), scale()]);
      return { y: b!.y / z, height: b!.height / z };
    };
    // previews off: an error line replaces a block's preview strip, so with previews on conv1 would
    // grow by the difference only; here it grows by the whole error line, past the gap below it
    await page.getByTestId('preview-enabled').uncheck();
    await expect.poll(() => page.locator('[data-testid="node-preview"]').count(), { timeout: 10_000 }).toBe(0);
    await steadyView(page); // blocks at their final size, the view fitted
    // the layout leaves room below a block for its preview strip, about an error line's height:
    // drag relu1 up to 8 px (on screen) under conv1, so the error line must push it down
    const c = (await nodeById(page, 'conv1').boundingBox())!;
    const r = (await nodeById(page, 'relu1').locator('.layer-node-header').boundingBox())!;
    const rTop = (await nodeById(page, 'relu1').boundingBox())!.y;
    const lift = rTop - (c.y + c.height + 8);
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
    await page.mouse.down();
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2 - lift, { steps: 8 });
    await page.mouse.up();
    await steadyView(page);
    const before = { conv1: await box('conv1'), relu1: await box('relu1') };
    await select(page, 'conv1');
    await fill(page, 'param-kernelSize-0', '30');
    await page.getByTestId('param-kernelSize-0').press('Tab');
    await nodeById(page, 'conv1').getByTestId('node-error').waitFor();
    await page.waitForTimeout(300);
    // the block below moves once its neighbour's new height is measured: read both when they rest
    const after = await steady(async () => ({ conv1: await box('conv1'), relu1: await box('relu1') }));
    const grew = after.conv1.height - before.conv1.height;
    console.log(`conv1 grew ${grew.toFixed(0)} px (flow units); the gap below it was ${(before.relu1.y - before.conv1.y - before.conv1.height).toFixed(0)} px`);
    expect(grew).toBeGreaterThan(before.relu1.y - before.conv1.y - before.conv1.height);
    expect(after.relu1.y).toBeGreaterThanOrEqual(after.conv1.y + after.conv1.height);
    expect((await layoutProblems(page)).filter((p) => p.includes('overlaps'))).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/layout-node-grows.png` });
    await context.close();
  });
});
