/**
 * Auto layout off the page's main thread (browser build): on the DenseNet-121 preset (its 400-odd
 * blocks) Auto layout runs elkjs in a web worker. A PerformanceObserver records the main thread's
 * long tasks from the click until the layout is applied; the figure is printed (run it against an
 * older build with CONVAS_WEB_ROOT for the before figure). The job the page sends the worker (the
 * measured card sizes) is laid out again in this process with the engine's core: the same
 * positions. Auto layout is one undo step, and a layout of a few blocks in the warm worker shows
 * no busy line. A project without positions is laid out by the worker when it opens. A layout
 * that finishes after the canvas changed is not applied.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutSized, type Positions } from '../../src/engine/graph/layout';
import type { LayoutJob, LayoutJobResult } from '../../src/engine/graph/layout-worker';
import { ROOT } from '../integration/cli-run';
import { nodeById, openApp, openFileFromToolbar, openPreset as openPresetFromGallery, select, steadyView } from './helpers/editor';
import { installLongTaskProbe, longTasksBetween, pageClock } from './helpers/long-tasks';
import { presetFiles } from './helpers/presets';
import { newPage, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

/** Runs in the page before it loads: records the jobs sent to the layout worker and its answers. */
function recordLayoutWorkers(): void {
  type Msg = { id?: number };
  const g = globalThis as unknown as { Worker: unknown; __layoutJobs: { job: Msg; result: unknown }[] };
  const Base = g.Worker as { new (url: string | URL, opts?: { name?: string }): { postMessage(m: unknown, t?: unknown): void; addEventListener(t: string, l: (e: { data: Msg }) => void): void } };
  g.__layoutJobs = [];
  g.Worker = class extends Base {
    constructor(url: string | URL, opts?: { name?: string }) {
      super(url, opts);
      if (opts?.name !== 'convas-layout') return;
      const post = this.postMessage.bind(this);
      this.postMessage = (m: unknown, t?: unknown) => {
        g.__layoutJobs.push({ job: m as Msg, result: null });
        post(m, t);
      };
      this.addEventListener('message', (e) => {
        const rec = g.__layoutJobs.find((r) => r.job.id === e.data?.id);
        if (rec) rec.result = e.data;
      });
    }
  };
}

const layoutJobs = (page: Page): Promise<{ job: LayoutJob; result: LayoutJobResult }[]> => page.evaluate('globalThis.__layoutJobs');

/** Every node's position as React Flow draws it (its transform). */
const drawnPositions = (page: Page): Promise<Positions> =>
  page.evaluate(`Object.fromEntries([...document.querySelectorAll('.react-flow__node')].map((n) => {
    const m = new DOMMatrixReadOnly(getComputedStyle(n).transform);
    return [n.dataset.id, { x: m.e, y: m.f }];
  }))`);

async function openPreset(page: Page, file: string): Promise<void> {
  await openApp(page, s.url);
  await openPresetFromGallery(page, file, 1500); // measured, previews in, fitted to view
  // every block drawn, and nothing moving any more (blocks grown by previews push others down)
  const blocks = presetFiles().find((p) => p.file === file)!.json.graph.nodes.length;
  await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 30_000 }).toBe(blocks);
  await steadyView(page);
}

describe('Auto layout in a web worker', () => {
  it('lays DenseNet-121 out as the engine does in-thread, as one undo step; prints the main thread\'s longest task', async () => {
    const { page, context, errors } = await newPage(s);
    await page.addInitScript(installLongTaskProbe);
    await page.addInitScript(recordLayoutWorkers);
    await openPreset(page, 'densenet121.convas.json');
    const blocks = await page.locator('.react-flow__node').count();
    expect(blocks).toBeGreaterThan(400);
    const before = await drawnPositions(page);
    await expect(page.getByTestId('tool-undo').isDisabled()).resolves.toBe(true);

    const from = await pageClock(page);
    const t0 = Date.now();
    await page.getByTestId('tool-autoLayout').click();
    await page.getByTestId('tool-undo').and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
    const seconds = (Date.now() - t0) / 1000;
    await page.waitForTimeout(500); // the canvas's paint of the new positions counts too
    const to = await pageClock(page);
    const tasks = await longTasksBetween(page, from, to);
    console.log(
      `DenseNet-121 (${blocks} blocks) Auto layout applied in ${seconds.toFixed(1)} s; main-thread tasks over 50 ms: ${tasks.length}, ` +
        `longest ${Math.round(Math.max(0, ...tasks))} ms, ${(tasks.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s in all`,
    );

    // the worker's answer is the engine's in-thread layout of the same job, and is what was applied
    const [run] = await layoutJobs(page);
    expect(run.job.nodes).toHaveLength(blocks);
    if (!run.result.ok) throw new Error(`the layout worker failed: ${run.result.error.message}`);
    expect(run.result.positions).toEqual(await layoutSized(run.job.nodes, run.job.edges));
    const after = await drawnPositions(page);
    const moved = Object.keys(after).filter((id) => after[id].x !== before[id].x || after[id].y !== before[id].y);
    expect(moved.length).toBeGreaterThan(0);
    for (const id of moved) expect(after[id], id).toEqual(run.result.positions[id]);
    await expect(page.getByTestId('busy').count()).resolves.toBe(0);

    // one undo step back to the preset's positions
    await page.getByTestId('tool-undo').click();
    await expect.poll(() => drawnPositions(page), { timeout: 10_000 }).toEqual(before);
    await expect.poll(() => page.getByTestId('tool-undo').isDisabled(), { timeout: 10_000 }).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('a few blocks lay out without a busy line in the warm worker; a project without positions is laid out by the worker when it opens', async () => {
    const { page, context, errors } = await newPage(s);
    await page.addInitScript(recordLayoutWorkers);
    await openApp(page, s.url);
    const project = JSON.parse(readFileSync(join(ROOT, 'resources/presets/lenet5.convas.json'), 'utf8')) as { layout?: unknown; graph: { nodes: { id: string }[] } };
    delete project.layout;
    const file = join(tmpdir(), 'convas-e2e-lenet5-no-layout.convas.json');
    writeFileSync(file, JSON.stringify(project));
    await openFileFromToolbar(page, file);
    await nodeById(page, project.graph.nodes[project.graph.nodes.length - 1].id).waitFor();
    await page.waitForTimeout(500);
    // the worker is warm now (elkjs loaded): whether a busy line ever shows, however briefly
    await page.evaluate(`globalThis.__busySeen = false;
      new MutationObserver(() => { if (document.querySelector('[data-testid="busy"]')) globalThis.__busySeen = true; })
        .observe(document.body, { childList: true, subtree: true });`);
    await page.getByTestId('tool-autoLayout').click();
    await page.getByTestId('tool-undo').and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
    const runs = await layoutJobs(page);
    expect(runs.map((r) => r.job.nodes.length)).toEqual([project.graph.nodes.length, project.graph.nodes.length]);
    expect(new Set(runs.map((r) => r.job.id)).size).toBe(2);
    for (const r of runs) expect(r.result.ok).toBe(true);
    await expect(page.evaluate('globalThis.__busySeen')).resolves.toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a layout that finishes after the canvas changed is dropped, and says so', async () => {
    const { page, context, errors } = await newPage(s);
    await openPreset(page, 'densenet121.convas.json');
    const blocks = await page.locator('.react-flow__node').count();
    await page.keyboard.press('Control+4'); // the minimap off: it covers the last block
    await page.getByTestId('rf__minimap').waitFor({ state: 'detached' });
    // the last block: deleting it grows no other block (an error line would push blocks down)
    const victim = (await page.locator('.react-flow__node').last().getAttribute('data-id'))!;
    await select(page, victim);
    const before = await drawnPositions(page);
    await page.getByTestId('tool-autoLayout').click();
    // the busy line shows while the worker works (it goes before the result is applied)
    await page.getByText(`Laying out ${blocks} blocks…`).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Delete');
    await page.getByText('Auto layout was not applied: the canvas changed while it ran. Run it again.').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('busy').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 10_000 }).toBe(blocks - 1);
    const after = await drawnPositions(page);
    delete before[victim];
    expect(after).toEqual(before);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
