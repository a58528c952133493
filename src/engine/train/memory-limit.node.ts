/**
 * Node-only: the memory a training run may use here — the machine's physical memory, or a
 * container's (cgroup) limit when that is smaller — and how much of it is free now (os.freemem:
 * Linux's MemAvailable). Float32Array buffers live outside V8's heap,
 * so the heap limit (--max-old-space-size) does not bound them; physical memory does.
 */
import { freemem, totalmem } from 'node:os';
import type { MemoryLimit } from './memory-estimate';

export function nodeMemoryLimit(): MemoryLimit {
  const total = totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  if (constrained && constrained > 0 && constrained < total) {
    const used = process.memoryUsage().rss;
    return { bytes: constrained, source: "this container's memory limit", available: Math.max(0, Math.min(freemem(), constrained - used)) };
  }
  return { bytes: total, source: "this machine's memory", available: freemem() };
}
