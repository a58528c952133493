/**
 * Node-only: fill a buffer from a file at a position, in pieces below readSync's 2 GiB limit —
 * how the binary readers (weights, checkpoints) read each tensor straight into its own memory.
 * `short` is called (and must throw) when the file ends first.
 */
import { readSync } from 'node:fs';

export function readFullyAt(fd: number, into: Uint8Array, position: number, short: (endedAt: number) => never): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(into.length - done, 1 << 30), position + done);
    if (n === 0) short(position + done);
    done += n;
  }
}
