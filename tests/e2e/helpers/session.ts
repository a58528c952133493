/** One browser and one static server per test file, and a fresh page per test. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { serveStatic } from './server';

export const SCREENSHOTS = resolve(import.meta.dirname, '../screenshots');

export interface Session {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  const server = await serveStatic();
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    url: server.url,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** A page in its own context (own localStorage), failing the test on any uncaught page error. */
export async function newPage(s: Session, opts: { theme?: 'dark' | 'light' } = {}): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await s.browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, colorScheme: opts.theme ?? 'dark' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, context, errors };
}
