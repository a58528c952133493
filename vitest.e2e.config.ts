/**
 * End-to-end tests: the built browser bundle (dist-web/, made by `npm run build:web`, which
 * `npm run test:e2e` runs first) driven in Debian's Chromium, and the desktop app through
 * Playwright's Electron driver where an Electron binary exists. One file at a time: each
 * starts a browser, and the machines have two cores.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
