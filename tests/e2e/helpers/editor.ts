/** Driving the canvas editor like a person: palette drags, wires between ports, inspector fields. */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export const nodeById = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

/** A block's data preview (feature maps, a strip, class bars) on the canvas. */
export const nodePreview = (page: Page, id: string): Locator => nodeById(page, id).getByTestId('node-preview');

export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('palette').waitFor();
}

/** Open a file (project or .onnx) through the toolbar's Open button and the file chooser it shows. */
export async function openFileFromToolbar(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('tool-open').click()]);
  await chooser.setFiles(file);
}

/** Open a preset from the gallery; `settleMs`: how long to let the view settle (fit, previews) after. */
export async function openPreset(page: Page, file: string, settleMs = 0): Promise<void> {
  await page.getByTestId('tool-showGallery').click();
  await page.locator(`[data-testid="preset-card"][data-file="${file}"]`).click();
  await page.getByTestId('gallery').waitFor({ state: 'detached' });
  if (settleMs > 0) await page.waitForTimeout(settleMs);
}

/**
 * The seed MNIST CNN set up for canvas previews: its preset, Shapes as the data the previews show,
 * the cpu backend (no GPU needed), and the Inspector open again.
 */
export async function openMnistForPreviews(page: Page): Promise<void> {
  await openPreset(page, 'seed-mnist-cnn.convas.json');
  await page.getByTestId('tab-train').click();
  await page.getByTestId('training-source').selectOption('shapes');
  await page.getByTestId('training-backend').selectOption('cpu');
  await page.getByTestId('tab-inspector').click();
}

/** Drag a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dragLayer(page: Page, type: string, x: number, y: number): Promise<void> {
  const canvas = page.getByTestId('canvas');
  await page.getByTestId(`palette-item-${type}`).dragTo(canvas, { targetPosition: { x, y } });
}

async function centre(l: Locator): Promise<{ x: number; y: number }> {
  const b = await l.boundingBox();
  if (!b) throw new Error('element is not visible');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

export const outPort = (page: Page, id: string): Locator => nodeById(page, id).locator('.react-flow__handle.source');
export const inPort = (page: Page, id: string, port = 0): Locator => nodeById(page, id).locator(`.react-flow__handle[data-handleid="in-${port}"]`);

/** Press on `from`'s output port and move over `to`'s input port; the caller releases (or not). */
export async function startWire(page: Page, from: string, to: string, port = 0): Promise<void> {
  const a = await centre(outPort(page, from));
  const b = await centre(inPort(page, to, port));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
}

/**
 * Wire `from`'s output to `to`'s input `port` with the mouse, and wait until the wire is drawn.
 * The drag is retried when it missed (a block moved while the pointer travelled: a preview grew
 * one above it): then no wire came, and a wire dropped on empty canvas opened Quick add.
 */
export async function connect(page: Page, from: string, to: string, port = 0): Promise<void> {
  const wire = page.locator(`.react-flow__edge[data-id="${from}->${to}:${port}"]`);
  for (let attempt = 0; ; attempt++) {
    await startWire(page, from, to, port);
    await page.mouse.up();
    try {
      await wire.waitFor({ timeout: 3000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
      const quickAdd = page.getByTestId('quick-add');
      if (await quickAdd.count()) await quickAdd.locator('input').press('Escape');
      await quickAdd.waitFor({ state: 'detached' });
    }
  }
}

/**
 * Select a node by clicking its header, and wait until the inspector shows it. Nodes can still
 * move when the click lands (a preview grows a block, the layout reflows): then the click hits
 * the pane or another node, and it is retried.
 */
export async function select(page: Page, id: string): Promise<void> {
  const name = page.getByTestId('inspector-name');
  for (let attempt = 0; ; attempt++) {
    await nodeById(page, id).locator('.layer-node-header').click();
    try {
      await expect.poll(() => name.inputValue().catch(() => null), { timeout: 3000 }).toBe(id);
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

/**
 * Read `read` until it gives the same value twice in a row, `gapMs` apart, and return that value:
 * for what moves a while after an action (the view fitting itself, blocks growing as previews
 * arrive and pushing others down), so that a measurement is of the settled state.
 */
export async function steady<T>(read: () => Promise<T>, { gapMs = 250, timeout = 30_000 } = {}): Promise<T> {
  let last: string | undefined;
  let value: T | undefined;
  await expect
    .poll(
      async () => {
        value = await read();
        const now = JSON.stringify(value);
        const same = now === last;
        last = now;
        return same;
      },
      { timeout, interval: gapMs },
    )
    .toBe(true);
  return value as T;
}

/** The canvas' view transform, every node's box and the number of wires drawn, once they stop changing. */
export async function steadyView(page: Page): Promise<void> {
  await steady(() =>
    page.evaluate(`[
      getComputedStyle(document.querySelector('.react-flow__viewport')).transform,
      [...document.querySelectorAll('.react-flow__node')].map((n) => { const r = n.getBoundingClientRect(); return [n.dataset.id, r.x, r.y, r.width, r.height]; }),
      document.querySelectorAll('.react-flow__edge').length,
    ]`),
  );
}

/**
 * Open a node's context menu (a right click selects the node) and choose `item`. The right click
 * is retried when it missed: the node moved under the pointer (a preview grew a block, the view
 * refitted), so no menu came, or it came for the pane or another node (the inspector shows that).
 */
export async function contextMenu(page: Page, id: string, item: string): Promise<void> {
  const entry = page.getByRole('menuitem', { name: item });
  const name = page.getByTestId('inspector-name');
  for (let attempt = 0; ; attempt++) {
    await nodeById(page, id).locator('.layer-node-header').click({ button: 'right' });
    try {
      await entry.waitFor({ timeout: 3000 });
      await expect.poll(() => name.inputValue().catch(() => null), { timeout: 3000 }).toBe(id);
      break;
    } catch (e) {
      if (attempt >= 4) throw e;
      if (await page.getByTestId('context-menu').count()) await page.keyboard.press('Escape');
      await page.getByTestId('context-menu').waitFor({ state: 'detached' });
    }
  }
  await entry.click();
}

/**
 * Select a node by clicking its header when the inspector is not on show (another side tab is):
 * waits until React Flow marks the node selected, and retries a click that missed a moving node.
 */
export async function clickNode(page: Page, id: string): Promise<void> {
  const selected = page.locator(`.react-flow__node.selected[data-id="${id}"]`);
  for (let attempt = 0; ; attempt++) {
    await nodeById(page, id).locator('.layer-node-header').click();
    try {
      await selected.waitFor({ timeout: 3000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

export const outputOf = (page: Page, id: string): Locator => nodeById(page, id).getByTestId('node-output');
export const errorOf = (page: Page, id: string): Locator => nodeById(page, id).getByTestId('node-error');

/** Type into an inspector field, replacing what is there. */
export async function fill(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(value);
}

/** The page's DOM, for code run inside it (page.evaluate); the Node-side typecheck has no DOM library. */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface El {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): Iterable<El>;
}
declare const document: { querySelectorAll(selector: string): Iterable<El> };

/** Overlapping node boxes and node-face text cut off by its box, as readable descriptions. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const nodes = [...document.querySelectorAll('.react-flow__node')];
    const boxes = nodes.map((n) => ({ id: n.dataset.id!, r: n.getBoundingClientRect() }));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        if (overlap) problems.push(`${boxes[i].id} overlaps ${boxes[j].id}`);
      }
    }
    for (const n of nodes) {
      for (const el of n.querySelectorAll('.layer-node-name, .layer-node-summary, .layer-node-shape, .layer-node-type, .layer-node-params')) {
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${n.dataset.id}: “${el.textContent}” is clipped (${el.scrollWidth} > ${el.clientWidth} px)`);
      }
    }
    return problems;
  });
}
