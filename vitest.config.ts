import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // two cores: two files at a time keeps PyTorch, Dawn and the worker processes from thrashing
    maxWorkers: 2,
  },
});
