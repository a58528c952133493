/**
 * Reading the CLI's input files: every failure becomes one line that names the file and what is
 * wrong with it (missing, not JSON — with line and column —, or invalid for its format).
 */
import { FormatError } from '../engine/io/errors';
import { InputFileError, readJsonFile } from '../engine/io/input-file.node.js';
import { parseProject, type Project } from '../engine/io/project';
import { parseTensor, type Tensor } from '../engine/io/tensor';
import type { WeightsFile } from '../engine/io/weights';
import { loadWeightsFile } from '../engine/io/weights-file.node.js';
import { CliError } from './errors';

/**
 * A JSON file's value. The engine's reader refuses, naming the file and where: not a regular
 * file (directory, device, pipe), invalid UTF-8 (byte offset), nesting too deep, bad syntax.
 */
export function readJson(path: string): unknown {
  try {
    return readJsonFile(path);
  } catch (e) {
    if (e instanceof InputFileError) throw new CliError(e.message);
    throw e;
  }
}

/** Run a loader on a file's JSON; a FormatError gets the file name in front. */
function load<T>(path: string, parse: (raw: unknown) => T): T {
  const raw = readJson(path);
  try {
    return parse(raw);
  } catch (e) {
    if (e instanceof FormatError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
}

export const loadProject = (path: string): Project => load(path, parseProject);
/** Weights of either form (JSON, or binary of any size), told apart by their first bytes. */
export function loadWeights(path: string): WeightsFile {
  try {
    return loadWeightsFile(path);
  } catch (e) {
    if (e instanceof InputFileError || e instanceof FormatError) throw new CliError(e.message);
    throw e;
  }
}
export const loadTensor = (path: string): Tensor => load(path, (raw) => parseTensor(raw));
