/**
 * Node-only: the memory a training run may use here — the machine's physical memory, or a
 * container's (cgroup) limit when that is smaller. Float32Array buffers live outside V8's heap,
 * so the heap limit (--max-old-space-size) does not bound them; physical memory does.
 */
import { totalmem } from 'node:os';
import type { MemoryLimit } from './memory-estimate';

export function nodeMemoryLimit(): MemoryLimit {
  const total = totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  if (constrained && constrained > 0 && constrained < total) return { bytes: constrained, source: "this container's memory limit" };
  return { bytes: total, source: "this machine's memory" };
}
