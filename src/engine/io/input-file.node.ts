/**
 * Node-only: opening a file the user named, for reading. Anything but a regular file is refused
 * up front with the path and what it is instead — a directory (raw EISDIR otherwise), a FIFO or
 * a device such as /dev/zero (which would block or fill memory), a missing file, no permission —
 * and JSON files go through the checked reader (UTF-8 with byte offsets, nesting depth).
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { JsonTextError, MAX_JSON_TEXT_BYTES, parseJsonBytes } from './json-text';

/**
 * A file that cannot be read ("cannot read <path>: no such file") or whose text is not readable
 * JSON ("<path> is not valid JSON at line 3, column 7: …", "<path>: invalid UTF-8 at byte 12 …").
 */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    message = `cannot read ${file}: ${problem}`,
  ) {
    super(message);
    this.name = 'InputFileError';
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many symbolic links (a link loop?)';
  if (code === 'ENAMETOOLONG') return 'the path is too long';
  return (e as Error).message;
}

/**
 * Why `path` cannot be read as a data file, or null when it is a regular file (symbolic links
 * are followed). `what` says what was expected ("a file", "an IDX file").
 */
export function notAReadableFile(path: string, what = 'a file'): string | null {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    return errnoText(e);
  }
  if (!st.isFile()) return `it is ${kindOf(st)}, not ${what}`;
  return null;
}

/** The whole of a regular file, at most `maxBytes`. */
export function readInputFile(path: string, maxBytes: number, what = 'a file'): Buffer {
  const problem = notAReadableFile(path, what);
  if (problem) throw new InputFileError(path, problem);
  const size = statSync(path).size;
  if (size > maxBytes) throw new InputFileError(path, `it has ${size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} bytes ${what} may have`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputFileError(path, errnoText(e));
  }
}

/** A JSON file's value: regular file, valid UTF-8, bounded nesting, valid JSON — or an InputFileError naming where. */
export function readJsonFile(path: string, what = 'a JSON file'): unknown {
  const bytes = readInputFile(path, MAX_JSON_TEXT_BYTES, what);
  try {
    return parseJsonBytes(bytes);
  } catch (e) {
    if (e instanceof JsonTextError) throw new InputFileError(path, e.message, e.kind === 'syntax' ? `${path} is ${e.message}` : `${path}: ${e.message}`);
    throw e;
  }
}
