/**
 * Opening documents while one is still being laid out (browser build): a project without
 * positions is laid out in a web worker before it opens, and the window stays usable meanwhile.
 * A document opened during that layout (here one with positions, which opens at once) stays on
 * the canvas when the older layout finishes — before, the older file replaced it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../integration/cli-run';
import { nodeById, openApp, openFileFromToolbar } from './helpers/editor';
import { newPage, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

type Project = { layout?: unknown; graph: { nodes: { id: string }[] } };
const preset = (file: string): Project => JSON.parse(readFileSync(join(ROOT, 'resources/presets', file), 'utf8')) as Project;

/**
 * Runs in the page before it loads: answers from the layout worker are held until
 * `__releaseLayout()`, so a test decides when a layout finishes (no race with the clock).
 */
function holdLayoutAnswers(): void {
  type Ev = MessageEvent;
  const g = globalThis as unknown as { Worker: unknown; __held: Ev[]; __releaseLayout: () => void };
  const Base = g.Worker as { new (url: string | URL, opts?: { name?: string }): { addEventListener(t: string, l: (e: Ev) => void): void } };
  g.__held = [];
  g.Worker = class extends Base {
    constructor(url: string | URL, opts?: { name?: string }) {
      super(url, opts);
      if (opts?.name !== 'convas-layout') return;
      let handler: ((e: Ev) => void) | null = null;
      let holding = true;
      Object.defineProperty(this, 'onmessage', { get: () => handler, set: (h: (e: Ev) => void) => (handler = h), configurable: true });
      this.addEventListener('message', (e) => (holding ? g.__held.push(e) : handler?.(e)));
      g.__releaseLayout = () => {
        holding = false;
        for (const e of g.__held.splice(0)) handler?.(e);
      };
    }
  };
}

describe('opening documents while one is laid out', () => {
  it('keeps the newest document when an older one finishes its layout later', async () => {
    const { page, context, errors } = await newPage(s);
    await page.addInitScript(holdLayoutAnswers);
    await openApp(page, s.url);
    const big = preset('densenet121.convas.json');
    delete big.layout;
    const bigFile = join(tmpdir(), 'convas-e2e-densenet121-no-layout.convas.json');
    writeFileSync(bigFile, JSON.stringify(big));
    const small = preset('lenet5.convas.json');
    const smallFile = join(tmpdir(), 'convas-e2e-lenet5.convas.json');
    writeFileSync(smallFile, JSON.stringify(small));

    await openFileFromToolbar(page, bigFile);
    // DenseNet-121's layout is done and held back: the document is still being opened
    await expect.poll(() => page.evaluate('globalThis.__held.length'), { timeout: 60_000 }).toBe(1);
    await expect(page.getByTestId('busy').textContent()).resolves.toBe(`Laying out ${big.graph.nodes.length} blocks…`);
    await openFileFromToolbar(page, smallFile);
    await nodeById(page, small.graph.nodes[small.graph.nodes.length - 1].id).waitFor();
    await page.evaluate('globalThis.__releaseLayout()');
    await page.getByTestId('busy').waitFor({ state: 'detached', timeout: 10_000 });
    // the older layout has been answered now: give a wrongly applied result time to reach the canvas
    await page.waitForTimeout(1000);
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 10_000 }).toBe(small.graph.nodes.length);
    const smallIds = new Set(small.graph.nodes.map((n) => n.id));
    const onlyBig = big.graph.nodes.filter((n) => !smallIds.has(n.id)).map((n) => n.id);
    await expect(nodeById(page, onlyBig[onlyBig.length - 1]).count()).resolves.toBe(0);
    await expect(page.getByTestId('doc-title').textContent()).resolves.toContain('lenet5');
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
