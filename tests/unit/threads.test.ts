import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { setWebasmThreads, threadsBesideUi, threadsFromEnv } from '../../src/engine/backend/threads';

describe('webasm thread budget', () => {
  it('beside a UI: every core but one, at least one', () => {
    expect(threadsBesideUi(16)).toBe(15);
    expect(threadsBesideUi(2)).toBe(1);
    expect(threadsBesideUi(1)).toBe(1);
  });
  it('CONVAS_THREADS: a whole number from 1, or unset; anything else is refused by name', () => {
    expect(threadsFromEnv(undefined)).toBeNull();
    expect(threadsFromEnv('')).toBeNull();
    expect(threadsFromEnv('3')).toBe(3);
    for (const bad of ['0', '-2', '1.5', 'four', '5000']) expect(() => threadsFromEnv(bad)).toThrow(/CONVAS_THREADS must be a whole number.*"/);
  });
  it("sizes the pool gpu.js's webasm executor starts (read in a fresh Node process)", () => {
    const script = [
      "const { setWebasmThreads } = await import('./src/engine/backend/threads.ts');",
      'setWebasmThreads(3);',
      "const { WebAssemblyWorkerPool } = await import('gpu.js/src/backend/web-assembly/worker-pool.js');",
      'const pool = new WebAssemblyWorkerPool();',
      'console.log(JSON.stringify({ size: pool.size, nav: navigator.hardwareConcurrency }));',
      'pool.destroy?.();',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { size: number | null; nav: number };
    expect(r.nav).toBe(3);
    expect(r.size).toBe(3);
  });
  it('never below one thread', () => {
    setWebasmThreads(0);
    expect((globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency).toBe(1);
  });
});
