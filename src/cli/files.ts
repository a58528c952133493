/**
 * Reading the CLI's input files: every failure becomes one line that names the file and what is
 * wrong with it (missing, not JSON — with line and column —, or invalid for its format).
 */
import { readFileSync } from 'node:fs';
import { FormatError } from '../engine/io/errors';
import { parseProject, type Project } from '../engine/io/project';
import { parseTensor, type Tensor } from '../engine/io/tensor';
import { parseWeightsFile, type WeightsFile } from '../engine/io/weights';
import { CliError } from './errors';

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`cannot read ${path}: ${why}`);
  }
}

/** "line 3, column 7" from a character offset, for JSON.parse's "at position N". */
function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

export function readJson(path: string): unknown {
  const text = readText(path);
  if (text.trim() === '') throw new CliError(`${path} is empty`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? ` at ${lineColumn(text, Number(pos[1]))}` : '';
    throw new CliError(`${path} is not valid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`);
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
export const loadWeights = (path: string): WeightsFile => load(path, (raw) => parseWeightsFile(raw));
export const loadTensor = (path: string): Tensor => load(path, (raw) => parseTensor(raw));
