/**
 * Smooth and honest while training (issue 13): the seed MNIST CNN (12,042 parameters) trains on
 * the built-in digits in the browser build while a PerformanceObserver records every main-thread
 * task over 50 ms. Printed: time from Train to the first step and the start-up phases shown on
 * the way, main-thread long tasks while steps stream in (count, longest, total), and the live
 * and per-epoch throughput. The page must stay usable (no task near a second) and the start-up
 * must say what it is doing.
 *
 * `CONVAS_SMOOTH_SECONDS=n` watches n seconds of training (default 20).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from './helpers/editor';
import { installLongTaskProbe, longTasksBetween, pageClock } from './helpers/long-tasks';
import { newPage, startSession, type Session } from './helpers/session';

const WATCH_S = Number(process.env.CONVAS_SMOOTH_SECONDS ?? 20);

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();

describe('training the seed MNIST CNN in the browser', () => {
  it('keeps the main thread free of long tasks and shows what happens before the first step', async () => {
    const { page, context, errors } = await newPage(s);
    await page.addInitScript(installLongTaskProbe);
    await openApp(page, s.url);
    await page.getByTestId('tool-showGallery').click();
    await page.locator('[data-testid="preset-card"][data-file="seed-mnist-cnn.convas.json"]').click();
    await page.getByTestId('gallery').waitFor({ state: 'detached' });
    await page.getByTestId('tab-train').click();
    await expect.poll(() => page.getByTestId('training-data-count').textContent(), { timeout: 60_000 }).toBe('8,000 train · 2,000 test');
    // more epochs than the watch lasts on a fast idle machine (Stop ends the run after it)
    await page.getByTestId('training-epochs').fill('20');
    await page.getByTestId('training-backend').selectOption('webasm');
    await page.getByTestId('training-fit-ok').waitFor();
    const clock = () => pageClock(page);

    await page.getByTestId('training-train').click();
    const t0 = Date.now();
    // the start-up says what it is doing until steps come
    /** Each phase shown, and when it first showed (s after Train). */
    const phases = new Map<string, number>();
    while (Date.now() - t0 < 120_000) {
      const step = await text(page, 'training-step');
      if (/^[1-9]/.test(step)) break;
      const phase = page.getByTestId('training-phase');
      if ((await phase.count()) > 0) {
        const shown = ((await phase.textContent()) ?? '').trim();
        if (!phases.has(shown)) phases.set(shown, (Date.now() - t0) / 1000);
      }
      await page.waitForTimeout(50);
    }
    const firstStep = (Date.now() - t0) / 1000;
    expect(await text(page, 'training-step')).toMatch(/^[1-9]/);

    // where the main thread's time goes (Chromium's own counters, seconds)
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
    const m0 = await metrics();
    const from = await clock();
    await page.waitForTimeout(WATCH_S * 1000);
    const to = await clock();
    const m1 = await metrics();
    const busy = (name: string) => `${Math.round((m1[name] - m0[name]) * 1000)} ms`;
    const cores = await page.evaluate(() => (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency);
    const rate = await text(page, 'training-rate');
    const during = await longTasksBetween(page, from, to);
    if (await page.getByTestId('training-stop').isEnabled()) await page.getByTestId('training-stop').click();
    await expect.poll(() => text(page, 'training-status'), { timeout: 120_000 }).toMatch(/Stopped|Finished/);
    const longest = Math.round(Math.max(0, ...during));
    console.log(
      `seed MNIST CNN (12,042 parameters), built-in MNIST, webasm, ${cores} cores: first step after ${firstStep.toFixed(1)} s ` +
        `(phases shown: ${[...phases].map(([p, at]) => `${p} at ${at.toFixed(1)} s`).join(' → ') || 'none'}); ${WATCH_S} s of training: main-thread tasks over 50 ms: ${during.length}, ` +
        `longest ${longest} ms, ${(during.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s in all; ` +
        `main thread busy: tasks ${busy('TaskDuration')}, script ${busy('ScriptDuration')}, layout ${busy('LayoutDuration')}, style ${busy('RecalcStyleDuration')}; live rate ${rate} samples/s`,
    );
    expect(phases.size).toBeGreaterThan(0);
    // the target is 50 ms; on a loaded 2-core test machine a frame's paint is descheduled for
    // longer than that, so the test holds the line at what would feel frozen (the issue saw 617–821 ms)
    expect(longest).toBeLessThan(500);
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
