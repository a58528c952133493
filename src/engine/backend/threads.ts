/**
 * How many threads gpu.js's webasm thread pool starts. gpu.js sizes the pool a fused plan runs on
 * by `navigator.hardwareConcurrency` (in Node without `navigator`, by `os.cpus()`), read when the
 * pool is created — so a training process sets it before its first plan runs.
 */

/** Make gpu.js's webasm pool `n` threads wide (at least 1). */
export function setWebasmThreads(n: number): void {
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  g.navigator ??= {};
  Object.defineProperty(g.navigator, 'hardwareConcurrency', { value: Math.max(1, Math.floor(n)), configurable: true });
}

/**
 * Threads for training beside an interactive UI (the app's training process, the page's web
 * worker): every core but one, which the UI and the OS keep (at least 1).
 */
export function threadsBesideUi(cores: number): number {
  return Math.max(1, cores - 1);
}

/**
 * `CONVAS_THREADS`, when it holds a positive integer: the thread count asked for; otherwise null
 * (unset), or an error naming the value.
 */
export function threadsFromEnv(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new Error(`CONVAS_THREADS must be a whole number from 1 to 1024, got "${value}"`);
  return n;
}
