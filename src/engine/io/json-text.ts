/**
 * Reading JSON that came from outside (a file, a page's file input, IPC): bytes must be valid
 * UTF-8 — refused at the first bad byte, with its offset, rather than silently turned into
 * U+FFFD — and the text must nest no deeper than MAX_JSON_DEPTH, checked by a linear scan
 * BEFORE JSON.parse, so a file nested 100,000 deep is refused with its position instead of
 * overflowing the stack of whatever walks the value later (zod, structuredClone, describeValue).
 * Gpu-free and host-free: the CLI, Electron main, the renderer and the worker all use it.
 */
import { FormatError } from './errors';

/** Far deeper than any Convas file (a project nests about 6 levels), far below any stack limit. */
export const MAX_JSON_DEPTH = 256;

/** Text a V8 string can hold (2^29 − 24 UTF-16 units); a UTF-8 file of more bytes may not fit. */
export const MAX_JSON_TEXT_BYTES = 2 ** 29 - 24;

/** A problem with JSON text: `offset` is the byte (UTF-8) or character (JSON) where it is. */
export class JsonTextError extends FormatError {
  constructor(
    message: string,
    readonly offset: number,
    /** What failed: the bytes (`utf8`), the size, the nesting, or the JSON syntax (incl. an empty file). */
    readonly kind: 'utf8' | 'size' | 'depth' | 'syntax',
  ) {
    super(message);
    this.name = 'JsonTextError';
  }
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * The offset of the first byte that is not valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), and why; null when all of it is valid.
 */
export function findInvalidUtf8(b: Uint8Array): { offset: number; why: string } | null {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0; // overlong below U+0800
      if (c === 0xed) hi = 0x9f; // UTF-16 surrogates U+D800–U+DFFF
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90; // overlong below U+10000
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else {
      const why = c >= 0x80 && c <= 0xbf ? 'a continuation byte with no lead byte' : c <= 0xc1 ? 'an overlong lead byte' : 'a byte that never occurs in UTF-8';
      return { offset: i, why: `${hex(c)} is ${why}` };
    }
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return { offset: i, why: `the ${len}-byte sequence starting with ${hex(c)} is cut off by the end of the file` };
      const d = b[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (d < min || d > max) return { offset: i, why: `${hex(c)} starts a ${len}-byte sequence, but byte ${i + k} is ${hex(d)}` };
    }
    i += len;
  }
  return null;
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Bytes → text, refusing invalid UTF-8 with the byte offset (TextDecoder's fatal mode only
 * says that it failed). A leading byte-order mark is dropped, as every editor writes one.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return fatal.decode(bytes);
  } catch {
    const bad = findInvalidUtf8(bytes) ?? { offset: 0, why: 'the decoder refused it' };
    const line = countLines(bytes, bad.offset);
    throw new JsonTextError(`invalid UTF-8 at byte ${bad.offset} (line ${line}): ${bad.why}; save the file as UTF-8`, bad.offset, 'utf8');
  }
}

function countLines(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** "line 3, column 7" for a character offset. */
export function lineColumn(text: string, pos: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${pos - start + 1}`;
}

/**
 * Refuse text whose arrays/objects nest deeper than `maxDepth`, at the first bracket too deep.
 * Strings are skipped (brackets inside them do not count); the scan is one pass, no recursion.
 */
export function checkJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === 92 /* \ */) i++;
        else if (s === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) {
        throw new JsonTextError(`nested deeper than ${maxDepth} levels at ${lineColumn(text, i)} (character ${i}); no Convas file nests that deep — the file is damaged or not a Convas file`, i, 'depth');
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// JSON forbids raw control characters in strings: the class stops at them as at a quote or backslash.
// eslint-disable-next-line no-control-regex
const STRING_BODY = /[^"\\\u0000-\u001f]*/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** Where a string starting at `i` ends (just past its quote), or the offset of its first fault as -(offset + 1). */
function scanString(t: string, i: number): number {
  i++;
  for (;;) {
    STRING_BODY.lastIndex = i;
    STRING_BODY.test(t);
    i = STRING_BODY.lastIndex;
    if (i >= t.length) return -(i + 1);
    const c = t.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c !== 92) return -(i + 1); // a control character
    ESCAPE.lastIndex = i;
    if (!ESCAPE.test(t)) return -(i + 1);
    i = ESCAPE.lastIndex;
  }
}

/**
 * The offset of the first JSON syntax error in `t`, or -1 when there is none: V8's messages
 * do not always carry a position ("Unexpected token '}', …"), so the position is found here —
 * one iterative pass, run only after JSON.parse has failed.
 */
export function jsonSyntaxErrorAt(t: string): number {
  const n = t.length;
  const stack: number[] = [];
  let i = 0;
  let want: 'value' | 'key' | 'after' = 'value';
  const skip = () => {
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  for (;;) {
    skip();
    if (want === 'after') {
      if (stack.length === 0) return i < n ? i : -1;
      const top = stack[stack.length - 1];
      const c = t.charCodeAt(i);
      if (c === 44) {
        i++;
        want = top === 123 ? 'key' : 'value';
      } else if (c === top + 2) {
        stack.pop(); // '{' + 2 = '}', '[' + 2 = ']'
        i++;
      } else return i;
      continue;
    }
    if (i >= n) return i;
    const c = t.charCodeAt(i);
    if (want === 'key') {
      if (c !== 34) return i;
      const end = scanString(t, i);
      if (end < 0) return -end - 1;
      i = end;
      skip();
      if (t.charCodeAt(i) !== 58) return i;
      i++;
      want = 'value';
      continue;
    }
    if (c === 123 || c === 91) {
      stack.push(c);
      i++;
      skip();
      if (t.charCodeAt(i) === c + 2) {
        stack.pop();
        i++;
        want = 'after';
      } else want = c === 123 ? 'key' : 'value';
    } else if (c === 34) {
      const end = scanString(t, i);
      if (end < 0) return -end - 1;
      i = end;
      want = 'after';
    } else if (t.startsWith('true', i) || t.startsWith('null', i)) {
      i += 4;
      want = 'after';
    } else if (t.startsWith('false', i)) {
      i += 5;
      want = 'after';
    } else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(t)) return i;
      i = NUMBER.lastIndex;
      want = 'after';
    }
  }
}

/** JSON text → value: depth checked first, syntax errors with line and column. */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.trim() === '') throw new JsonTextError('empty', 0, 'syntax');
  checkJsonDepth(text, maxDepth);
  try {
    return JSON.parse(text);
  } catch (e) {
    const found = jsonSyntaxErrorAt(text);
    const at = found < 0 ? 0 : found;
    const what = at >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text.slice(at, at + 12))}${at + 12 < text.length ? '…' : ''}`;
    throw new JsonTextError(`not valid JSON at ${lineColumn(text, at)}: ${found < 0 ? (e as Error).message : what}`, at, 'syntax');
  }
}

/** UTF-8 bytes of a JSON file → value (a leading BOM is allowed). */
export function parseJsonBytes(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): unknown {
  if (bytes.length > MAX_JSON_TEXT_BYTES) {
    throw new JsonTextError(`${bytes.length.toLocaleString('en-US')} bytes: JSON text over ${MAX_JSON_TEXT_BYTES.toLocaleString('en-US')} bytes cannot be read as one string — store large weights in a binary file`, 0, 'size');
  }
  return parseJsonText(decodeUtf8(bytes), maxDepth);
}
