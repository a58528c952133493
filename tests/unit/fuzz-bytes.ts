/**
 * Byte- and file-level mutations for the fuzz tests — the ways a file goes wrong below the JSON
 * value (fuzz-mutate.ts works on values): nesting 300 to 100,000 deep, invalid UTF-8 at a known
 * offset, truncation, flipped or inserted bytes, and paths that are not regular files (a
 * directory, a FIFO, a device, a symbolic link to a directory).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Rng } from '../../src/engine/util/rng';
import { pick } from './fuzz-mutate';

/** Byte sequences no UTF-8 decoder may accept, each invalid at its first byte's sequence. */
export const INVALID_UTF8: readonly number[][] = [
  [0xff], // never occurs
  [0xfe],
  [0x80], // a continuation byte alone
  [0xbf],
  [0xc0, 0xaf], // overlong '/'
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf], // overlong 3-byte
  [0xed, 0xa0, 0x80], // UTF-16 surrogate U+D800
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xe9], // Latin-1 é followed by ASCII
  [0xc3], // a 2-byte lead cut short
];

/** `bytes` with `insert` put at `at`. */
export function insertAt(bytes: Uint8Array, at: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(bytes.length + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(Array.from(insert), at);
  out.set(bytes.subarray(at), at + insert.length);
  return out;
}

/**
 * Invalid UTF-8 put somewhere in the text — inside a string half the time (a bad name), anywhere
 * otherwise; `offset` is where the first invalid sequence starts, as the reader must report it.
 */
export function withInvalidUtf8(text: string, rng: Rng): { bytes: Uint8Array; offset: number } {
  const utf8 = new TextEncoder().encode(text);
  const quotes: number[] = [];
  for (let i = 0; i < utf8.length; i++) if (utf8[i] === 0x22) quotes.push(i + 1);
  let at = rng.random() < 0.5 && quotes.length ? pick(rng, quotes) : rng.int(utf8.length + 1);
  // never split an existing multi-byte character
  while (at < utf8.length && (utf8[at] & 0xc0) === 0x80) at++;
  const seq = pick(rng, INVALID_UTF8);
  return { bytes: insertAt(utf8, at, seq), offset: at };
}

/** `[[[…0…]]]` nested `depth` deep, spliced in after a `:` or `[` or `,` (where a value may start). */
export function withDeepNesting(text: string, rng: Rng, depth: number): string {
  const spots: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ':' || c === '[' || c === ',') spots.push(i + 1);
  }
  const at = spots.length ? pick(rng, spots) : 0;
  const open = rng.random() < 0.5 ? '['.repeat(depth) : '{"a":'.repeat(depth);
  const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
  const value = open + '0' + close;
  // after ':' the old value becomes the next member's; after '[' or ',' the old element follows
  return text.slice(0, at) + value + (text[at - 1] === ':' ? ',"_":' : ',') + text.slice(at);
}

/** Damage below the syntax: truncate, flip a byte, insert a random byte, or duplicate a slice. */
export function damageBytes(bytes: Uint8Array, rng: Rng): Uint8Array {
  const op = rng.int(4);
  if (bytes.length === 0) return Uint8Array.of(rng.int(256));
  const at = rng.int(bytes.length);
  if (op === 0) return bytes.subarray(0, at);
  if (op === 1) {
    const out = bytes.slice();
    out[at] ^= 1 << rng.int(8);
    return out;
  }
  if (op === 2) return insertAt(bytes, at, [rng.int(256)]);
  const len = 1 + rng.int(Math.min(64, bytes.length - at));
  return insertAt(bytes, at, bytes.subarray(at, at + len));
}

export type SpecialKind = 'directory' | 'fifo' | 'dev-null' | 'dev-zero' | 'symlink-to-dir' | 'missing';
export const SPECIAL_KINDS: readonly SpecialKind[] = ['directory', 'fifo', 'dev-null', 'dev-zero', 'symlink-to-dir', 'missing'];

/** Make `path` something other than a regular file (removing what was there). */
export function makeSpecial(path: string, kind: SpecialKind): void {
  rmSync(path, { recursive: true, force: true });
  if (kind === 'directory') mkdirSync(path);
  else if (kind === 'fifo') execFileSync('mkfifo', [path]);
  else if (kind === 'dev-null') symlinkSync('/dev/null', path);
  else if (kind === 'dev-zero') symlinkSync('/dev/zero', path);
  else if (kind === 'symlink-to-dir') symlinkSync('/tmp', path);
}

/** What the reader must say for each kind (after the path). */
export const SPECIAL_MESSAGE: Record<SpecialKind, RegExp> = {
  directory: /it is a directory, not /,
  fifo: /it is a named pipe \(FIFO\), not /,
  'dev-null': /it is a character device, not /,
  'dev-zero': /it is a character device, not /,
  'symlink-to-dir': /it is a directory, not /,
  missing: /no such file/,
};

export function writeBytes(path: string, bytes: Uint8Array | string): void {
  rmSync(path, { recursive: true, force: true });
  writeFileSync(path, bytes);
}
