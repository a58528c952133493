/**
 * A run where every step is an epoch (the kernel-fit preset: one sample, thousands of epochs)
 * must not freeze the page. Measured: wall time for N epochs, main-thread tasks over 50 ms
 * (PerformanceObserver 'longtask'), how long a click on a side tab takes to show while the run
 * goes, and how often the run record is written to IndexedDB. Also checked on the way: every
 * element's test id is unique (within its repeated row), a regression run draws no accuracy,
 * and the record kept after the run holds its final state (status, last epoch, curves).
 *
 * `CONVAS_JANK_EPOCHS=n` runs n epochs instead of the preset's own 4,000.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_POINTS } from '../../src/renderer/training/thin-curves';
import { openApp } from './helpers/editor';
import { duplicateTestIds } from './helpers/testids';
import { newPage, startSession, type Session } from './helpers/session';

const EPOCHS = Number(process.env.CONVAS_JANK_EPOCHS ?? 4000);

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();

/** The page's globals this test installs (the Node-side typecheck has no DOM library). */
interface Probe {
  /** [start, duration] in ms on the page's clock */
  __longTasks: [number, number][];
  __runPuts: number;
}

/** Count run-record writes: every put into the 'runs' object store (checkpoints are another store). */
function installProbe(): void {
  const g = globalThis as unknown as Probe & {
    IDBObjectStore: { prototype: { name: string; put: (...a: unknown[]) => unknown } };
    PerformanceObserver: new (cb: (l: { getEntries(): { startTime: number; duration: number }[] }) => void) => { observe(o: object): void };
  };
  g.__longTasks = [];
  g.__runPuts = 0;
  const put = g.IDBObjectStore.prototype.put;
  g.IDBObjectStore.prototype.put = function (this: { name: string }, ...a: unknown[]) {
    if (this.name === 'runs') g.__runPuts++;
    return put.apply(this, a);
  };
  new g.PerformanceObserver((list) => g.__longTasks.push(...list.getEntries().map((e): [number, number] => [e.startTime, e.duration]))).observe({ type: 'longtask', buffered: false });
}

/** The run records kept in the browser's IndexedDB, as the app wrote them. */
async function storedRuns(page: Page): Promise<{ status: string; final: { epoch: number } | null; curves: { epoch: { epoch: number }[]; step: { globalStep: number[] } } }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const idb = (globalThis as unknown as { indexedDB: { open(n: string): { result: unknown; onsuccess: () => void; onerror: () => void } } }).indexedDB;
        const req = idb.open('convas-training');
        req.onerror = () => reject(new Error('cannot open IndexedDB'));
        req.onsuccess = () => {
          const db = req.result as { transaction(s: string): { objectStore(s: string): { getAll(): { result: unknown; onsuccess: () => void } } } };
          const all = db.transaction('runs').objectStore('runs').getAll();
          all.onsuccess = () => resolve(all.result as never);
        };
      }),
  );
}

describe('a run of one-step epochs', () => {
  it(`keeps the page responsive through ${EPOCHS} kernel-fit epochs and keeps the final state`, async () => {
    const { page, context, errors } = await newPage(s);
    await page.addInitScript(installProbe);
    await openApp(page, s.url);
    await page.getByTestId('tool-showGallery').click();
    await page.locator('[data-testid="preset-card"][data-file="seed-kernel-fit.convas.json"]').click();
    await page.getByTestId('gallery').waitFor({ state: 'detached' });
    await page.getByTestId('tab-train').click();
    await page.getByTestId('training-epochs').fill(String(EPOCHS));
    await page.getByTestId('training-backend').selectOption('cpu');
    await page.getByTestId('training-fit-ok').waitFor();

    /** The page's clock, to tell long tasks of a click from those of the run. */
    const now = () => page.evaluate(() => (globalThis as unknown as { performance: { now(): number } }).performance.now());
    const windows: [number, number][] = [];
    /** A side tab away and back, timed until the Train panel shows again. */
    const clickAway = async (): Promise<number> => {
      const from = await now();
      const t0 = Date.now();
      // long limits: a frozen page is measured (and fails below), not cut off here
      await page.getByTestId('tab-inspector').click({ timeout: 600_000 });
      await page.getByTestId('training-panel').waitFor({ state: 'detached', timeout: 600_000 });
      await page.getByTestId('tab-train').click({ timeout: 600_000 });
      await page.getByTestId('training-panel').waitFor({ timeout: 600_000 });
      const ms = Date.now() - t0;
      windows.push([from, await now()]);
      return ms;
    };
    const idle: number[] = [];
    for (let i = 0; i < 3; i++) idle.push(await clickAway());

    await page.evaluate(() => {
      const g = globalThis as unknown as Probe;
      g.__longTasks = [];
      g.__runPuts = 0;
    });
    const started = Date.now();
    await page.getByTestId('training-train').click();
    await expect.poll(() => text(page, 'training-status'), { timeout: 60_000 }).toMatch(/Training|Finished/);

    // clicks while it runs
    const clicks: number[] = [];
    let checkedMidRun = false;
    while ((await text(page, 'training-status')) === 'Training' && clicks.length < 8) {
      clicks.push(await clickAway());
      if (!checkedMidRun && (await text(page, 'training-status')) === 'Training') {
        checkedMidRun = true;
        // the training backend select and the "running on" line are two elements, two ids
        expect(await duplicateTestIds(page)).toEqual([]);
        expect(await page.getByTestId('training-backend').count()).toBe(1);
        // a regression has no accuracy: loss only, no 0 % line
        await page.getByTestId('training-chart-loss').waitFor();
        expect(await page.getByTestId('training-chart-accuracy').count()).toBe(0);
      }
      await page.waitForTimeout(1000);
    }
    await expect.poll(() => text(page, 'training-status'), { timeout: 600_000, interval: 250 }).toBe('Finished');
    const seconds = (Date.now() - started) / 1000;
    const probe = await page.evaluate(() => {
      const g = globalThis as unknown as Probe;
      return { longTasks: g.__longTasks, runPuts: g.__runPuts };
    });
    const long = probe.longTasks.map(([, d]) => d);
    // long tasks that are not a click's own work (mounting the Train panel again)
    const run = probe.longTasks.filter(([t]) => !windows.some(([a, b]) => t >= a && t <= b)).map(([, d]) => d);
    const sum = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / 1000).toFixed(1);
    console.log(
      `${EPOCHS} kernel-fit epochs (cpu): ${seconds.toFixed(1)} s wall; main-thread tasks over 50 ms: ${long.length} ` +
        `(longest ${Math.round(Math.max(0, ...long))} ms, ${sum(long)} s in all), outside the clicks: ${run.length} (longest ${Math.round(Math.max(0, ...run))} ms, ${sum(run)} s); ` +
        `tab away and back until shown, idle before the run: ${idle.map((c) => `${c} ms`).join(', ')}; during the run: ${clicks.map((c) => `${c} ms`).join(', ') || 'none (the run ended first)'}; ` +
        `run-record writes: ${probe.runPuts}`,
    );
    await expect.poll(() => text(page, 'training-epoch'), { timeout: 10_000 }).toBe(`${EPOCHS} / ${EPOCHS}`);
    // the chart draws a thinned curve, not one point per epoch
    expect(Number(await page.getByTestId('training-chart-loss').getAttribute('data-points'))).toBeLessThanOrEqual(2 * DISPLAY_POINTS);
    await expect(page.getByTestId('training-chart-accuracy').count()).resolves.toBe(0);
    expect(await duplicateTestIds(page)).toEqual([]);
    expect(Math.max(0, ...clicks)).toBeLessThan(3000);
    expect(Math.max(0, ...long)).toBeLessThan(1000);
    // saved every few seconds and at the end, not every epoch
    expect(probe.runPuts).toBeLessThan(10 + seconds / 2);

    // the final state is what the store kept (read back after the last write has landed)
    await expect
      .poll(async () => {
        const runs = await storedRuns(page);
        return runs.length === 1 ? { status: runs[0].status, final: runs[0].final?.epoch, last: runs[0].curves.epoch.at(-1)?.epoch, steps: runs[0].curves.step.globalStep.at(-1) } : runs.length;
      })
      .toEqual({ status: 'completed', final: EPOCHS, last: EPOCHS, steps: EPOCHS });
    await page.reload();
    await page.getByTestId('palette').waitFor();
    await page.getByTestId('tab-train').click();
    await expect.poll(() => page.getByTestId('training-run-0').textContent()).toContain('done');
    expect(errors).toEqual([]);
    await context.close();
  }, 900_000);
});
