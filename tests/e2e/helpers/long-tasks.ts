/**
 * Main-thread long tasks (over 50 ms) in the page, as a PerformanceObserver reports them:
 * `page.addInitScript(installLongTaskProbe)` before the page loads, then the durations of those
 * that started between two readings of the page's clock.
 */
import type { Page } from 'playwright-core';

interface Probe {
  /** [start, duration] in ms on the page's clock */
  __longTasks: [number, number][];
}

/** Runs in the page (self-contained: Playwright sends its source). */
export function installLongTaskProbe(): void {
  const g = globalThis as unknown as Probe & {
    PerformanceObserver: new (cb: (l: { getEntries(): { startTime: number; duration: number }[] }) => void) => { observe(o: object): void };
  };
  g.__longTasks = [];
  new g.PerformanceObserver((list) => g.__longTasks.push(...list.getEntries().map((e): [number, number] => [e.startTime, e.duration]))).observe({ type: 'longtask', buffered: false });
}

/** The page's `performance.now()`. */
export const pageClock = (page: Page): Promise<number> => page.evaluate(() => (globalThis as unknown as { performance: { now(): number } }).performance.now());

/** Durations (ms) of the long tasks that started in [from, to] on the page's clock. */
export async function longTasksBetween(page: Page, from: number, to: number): Promise<number[]> {
  const tasks = await page.evaluate(() => (globalThis as unknown as Probe).__longTasks);
  return tasks.filter(([t]) => t >= from && t <= to).map(([, d]) => d);
}
