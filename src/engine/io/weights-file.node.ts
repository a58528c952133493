/**
 * Node-only: weights files on disk at any size. Writing streams the chunks of weights-encode.ts
 * through the atomic writer (bounded memory: tensor views, or JSON a slice at a time); reading
 * tells the two forms apart by their first bytes — not by name — and reads binary weights
 * straight into one Float32Array per tensor (no whole-file buffer, no text).
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import type { ShapeReport } from '../shapes/inferShapes';
import type { WeightMap } from '../shapes/tensor-slots';
import { writeFileAtomic } from './atomic-file.node.js';
import { FormatError } from './errors';
import { InputFileError, notAReadableFile, readJsonFile } from './input-file.node.js';
import { readFullyAt } from './read-at.node.js';
import { headerLength, isWeightsBinary, parseBinaryHeader, WEIGHTS_BINARY_VERSION } from './weights-binary';
import { encodeWeightsFile, weightsFormatFor, weightsSizeProblem, type WeightsExtras } from './weights-encode';
import { parseWeightsFile, WEIGHTS_VERSION, type WeightsFile } from './weights';

/**
 * Write weights to `path`, atomically: JSON for a `.json` name (refused, before anything is
 * written, beyond what JSON holds), binary otherwise. FormatErrors name the tensor; the
 * AtomicWriteError of a bad target names the path.
 */
export async function saveWeightsFile(path: string, report: ShapeReport, weights: WeightMap, extras: WeightsExtras = {}): Promise<void> {
  const problem = weightsSizeProblem(basename(path), Object.values(weights).reduce((n, t) => n + t.length, 0));
  if (problem) throw new FormatError(`${path}: ${problem}`);
  const chunks = encodeWeightsFile(report, weights, extras, weightsFormatFor(path));
  await writeFileAtomic(path, chunks);
}

/** Fill `into` from the file at `position`; a file that ends first is named. */
function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  readFullyAt(fd, into, position, (at) => {
    throw new InputFileError(path, `it ended after ${at} bytes while more were expected (truncated while being read?)`);
  });
}

/** The raw object of a binary weights file (data as Float32Array), ready for parseWeightsFile. */
function readBinary(fd: number, size: number, path: string): Record<string, unknown> {
  const head = new Uint8Array(8);
  readFully(fd, head, 0, path);
  const n = headerLength(head);
  if (8 + n > size) throw new FormatError(`truncated: the header needs ${n} bytes, the file has ${size - 8} after the length`);
  const headerBytes = new Uint8Array(n);
  readFully(fd, headerBytes, 8, path);
  const layout = parseBinaryHeader(headerBytes, size);
  const tensors = Object.create(null) as Record<string, { shape: number[]; data: Float32Array }>;
  for (const t of layout.entries) {
    const data = new Float32Array((t.end - t.begin) / 4);
    readFully(fd, new Uint8Array(data.buffer), t.begin, path);
    tensors[t.key] = { shape: t.shape, data };
  }
  return { ...layout.envelope, tensors };
}

/**
 * A weights file's raw object, from either form, and the newest version that form has (for
 * parseWeightsFile): FormatError for a malformed binary file, InputFileError (naming the path)
 * for one that cannot be read or is not valid JSON.
 */
export function readWeightsRaw(path: string): { raw: unknown; newest: number } {
  const problem = notAReadableFile(path, 'a weights file');
  if (problem) throw new InputFileError(path, problem);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputFileError(path, (e as Error).message);
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(16, size));
    readFully(fd, head, 0, path);
    if (isWeightsBinary(head)) return { raw: readBinary(fd, size, path), newest: WEIGHTS_BINARY_VERSION };
  } finally {
    closeSync(fd);
  }
  return { raw: readJsonFile(path, 'a weights file'), newest: WEIGHTS_VERSION };
}

/** Read and check a weights file of either form; every error names the file. */
export function loadWeightsFile(path: string): WeightsFile {
  try {
    const { raw, newest } = readWeightsRaw(path);
    return parseWeightsFile(raw, '', newest);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`${path}: ${e.message}`, e.field, e.node, e.problems);
    throw e;
  }
}
