/**
 * Node-only: the memory a training run may use here — the machine's physical memory, or a
 * container's (cgroup) limit when that is smaller — and how much of it is free now. Float32Array
 * buffers live outside V8's heap, so the heap limit (--max-old-space-size) does not bound them;
 * physical memory does.
 *
 * "Free now" is os.freemem() where it means memory a program can still get: Linux's MemAvailable
 * (free plus reclaimable cache) and Windows' available physical memory. On macOS it counts only
 * pages nobody has touched (a busy Mac shows a few hundred MB while gigabytes are reclaimable),
 * so there the machine's total is the only limit.
 */
import { freemem, totalmem } from 'node:os';
import type { MemoryLimit } from './memory-estimate';

const FREE_MEANS_AVAILABLE = process.platform === 'linux' || process.platform === 'win32';

export function nodeMemoryLimit(): MemoryLimit {
  const total = totalmem();
  const free = FREE_MEANS_AVAILABLE ? freemem() : undefined;
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  if (constrained && constrained > 0 && constrained < total) {
    const left = constrained - process.memoryUsage().rss;
    return { bytes: constrained, source: "this container's memory limit", available: Math.max(0, free === undefined ? left : Math.min(free, left)) };
  }
  return { bytes: total, source: "this machine's memory", ...(free === undefined ? {} : { available: free }) };
}
