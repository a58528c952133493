/**
 * The CLI's file loaders (project, weights, tensor — what `convas validate/infer/train` read) on
 * 600 damaged files each, written to disk: value mutations, nesting 300 to 100,000 deep, invalid
 * UTF-8 at a known offset, truncated or flipped bytes, paths that are directories, FIFOs,
 * devices or links to directories, and (weights) negative BatchNorm variances. Every file either
 * loads and holds only what the format allows, or is refused with a CliError that starts with
 * its path and says what the mutation broke — never an untyped error, a hang, or garbage let in.
 * Projects and weights also go the desktop app's way (main decodes the bytes, the renderer
 * parses): it must accept and refuse exactly what the CLI does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors';
import { loadProject, loadTensor, loadWeights } from '../../src/cli/files';
import { FormatError } from '../../src/engine/io/errors';
import { decodeUtf8, JsonTextError, MAX_JSON_DEPTH } from '../../src/engine/io/json-text';
import { matchWeights, type WeightsFile } from '../../src/engine/io/weights';
import { documentFromText } from '../../src/renderer/project/convert';
import { readWeightsFor } from '../../src/renderer/training/weights-io';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { Rng } from '../../src/engine/util/rng';
import { damageBytes, makeSpecial, SPECIAL_KINDS, SPECIAL_MESSAGE, withDeepNesting, withInvalidUtf8, writeBytes, type SpecialKind } from './fuzz-bytes';
import { mutate, pick } from './fuzz-mutate';

const FIXTURES = join(__dirname, '../fixtures/cli');
const root = mkdtempSync(join(tmpdir(), 'convas-fuzz-json-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PROJECT = JSON.parse(readFileSync(join(FIXTURES, 'tiny-cnn.convas.json'), 'utf8'));
const WEIGHTS = JSON.parse(readFileSync(join(FIXTURES, 'tiny-cnn.weights.json'), 'utf8'));
const TENSOR = { shape: [1, 1, 6, 6], data: Array.from({ length: 36 }, (_, i) => (i % 7) / 7 - 0.5) };
const report = inferShapes(loadProject(join(FIXTURES, 'tiny-cnn.convas.json')).graph);

type Kind = 'value' | 'deep' | 'utf8' | 'bytes' | 'special' | 'negvar';
type Outcome = 'loaded' | 'refused';

interface Case {
  kind: Kind;
  bytes?: Uint8Array;
  special?: SpecialKind;
  /** What the refusal must say, when the mutation decides it. */
  must?: RegExp;
  depth?: number;
}

let indent = 0;
/** JSON text as a person or a program might have written it (compact or indented). */
const text = (v: unknown): string => JSON.stringify(v, null, indent) ?? 'null';

/** One damaged file of the given original, of a kind drawn from `kinds` (repeats weigh more). */
function makeCase(original: unknown, rng: Rng, kinds: readonly Kind[]): Case {
  const kind = pick(rng, kinds);
  indent = rng.int(3);
  if (kind === 'value') return { kind, bytes: new TextEncoder().encode(text(mutate(original, rng))) };
  if (kind === 'deep') {
    const depth = pick(rng, [MAX_JSON_DEPTH - 10, MAX_JSON_DEPTH + 1, 300, 5000, 100_000]);
    const t = withDeepNesting(text(original), rng, depth);
    return { kind, depth, bytes: new TextEncoder().encode(t), ...(depth > MAX_JSON_DEPTH ? { must: new RegExp(`nested deeper than ${MAX_JSON_DEPTH} levels at line \\d+, column \\d+`) } : {}) };
  }
  if (kind === 'utf8') {
    const base = rng.random() < 0.3 ? text(mutate(original, rng)) : text(original);
    const { bytes, offset } = withInvalidUtf8(base, rng);
    return { kind, bytes, must: new RegExp(`invalid UTF-8 at byte ${offset} \\(line \\d+\\)`) };
  }
  if (kind === 'bytes') return { kind, bytes: damageBytes(new TextEncoder().encode(text(original)), rng) };
  if (kind === 'special') {
    const special = pick(rng, SPECIAL_KINDS);
    return { kind, special, must: SPECIAL_MESSAGE[special] };
  }
  // negvar: a valid weights file whose BatchNorm running variance has a negative (or NaN-as-null) entry
  const w = structuredClone(original) as { tensors: Record<string, { data: (number | null)[] }> };
  const data = w.tensors['bn1.running_var'].data;
  const i = rng.int(data.length);
  const bad = pick(rng, [-1e-7, -0.5, -3, -1e30, null]);
  data[i] = bad;
  return { kind, bytes: new TextEncoder().encode(text(w)), must: bad === null ? /bn1\.running_var: data\[\d+\] is null, not a finite number/ : new RegExp(`bn1\\.running_var\\[${i}\\] is -[\\d.e+-]+: a variance cannot be below 0`) };
}

interface Tally {
  loaded: number;
  refused: number;
  byKind: Record<string, number>;
}

/**
 * Run one case through `load`; returns what happened. `check` sees what loaded (its own
 * invariants) and may throw a FormatError to refuse (the next step a user's command takes).
 */
function runCase<T>(c: Case, path: string, label: string, load: (p: string) => T, check: (v: T) => void, tally: Tally): Outcome {
  if (c.special) makeSpecial(path, c.special);
  else writeBytes(path, c.bytes!);
  tally.byKind[c.kind] = (tally.byKind[c.kind] ?? 0) + 1;
  let message: string;
  try {
    const value = load(path);
    try {
      check(value);
    } catch (e) {
      // as `convas infer` reports a weights/graph mismatch: the file, then the problem
      if (e instanceof FormatError) throw new CliError(`${path}: ${e.message}`);
      throw e;
    }
    tally.loaded++;
    if (c.must) throw new Error(`${label}: loaded, but it had to be refused with ${c.must}`);
    return 'loaded';
  } catch (e) {
    if (!(e instanceof CliError) && !(e instanceof FormatError)) throw new Error(`${label}: untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    message = e.message;
  }
  tally.refused++;
  if (!(message.startsWith(path) || message.startsWith(`cannot read ${path}`))) {
    throw new Error(`${label}: the message does not name the file: ${message}`);
  }
  if (c.must && !c.must.test(message)) throw new Error(`${label}: expected ${c.must}, got: ${message.slice(0, 300)}`);
  return 'refused';
}

/**
 * The desktop app's way to the same file: main decodes the bytes (decodeUtf8), the renderer
 * parses the text (documentFromText / readWeightsFor). It must agree with the CLI on what loads
 * and refuse with an Error that starts with the file's name.
 */
type AppLoad = (bytes: Uint8Array, name: string) => void;

/** Main's readTextFile and the browser's fileText: the bytes as text, or an Error naming the file. */
function appText(bytes: Uint8Array, name: string): string {
  try {
    return decodeUtf8(bytes);
  } catch (e) {
    if (e instanceof JsonTextError) throw new Error(`${name}: ${e.message}`);
    throw e;
  }
}

function appAgrees(c: Case, cli: Outcome, app: AppLoad, label: string): void {
  if (c.special) return; // main refuses what is not a regular file before reading (readTextFile)
  let outcome: Outcome = 'loaded';
  try {
    app(c.bytes!, 'doc.json');
  } catch (e) {
    if (!(e instanceof Error) || e.name === 'TypeError' || e.name === 'RangeError') throw new Error(`${label} (app): untyped ${String(e)}`);
    if (!e.message.startsWith('doc.json')) throw new Error(`${label} (app): the message does not name the file: ${e.message}`);
    if (c.must && !c.must.test(e.message)) throw new Error(`${label} (app): expected ${c.must}, got: ${e.message.slice(0, 300)}`);
    outcome = 'refused';
  }
  if (outcome !== cli) throw new Error(`${label}: the CLI ${cli} it, the app ${outcome} it`);
}

function fuzz<T>(name: string, original: unknown, kinds: readonly Kind[], seed: number, load: (p: string) => T, check: (v: T) => void, app?: AppLoad): Tally {
  const rng = new Rng(seed);
  const tally: Tally = { loaded: 0, refused: 0, byKind: {} };
  for (let i = 0; i < 600; i++) {
    const c = makeCase(original, rng, kinds);
    const label = `${name} #${i} (${c.kind}${c.special ? ` ${c.special}` : ''}${c.depth ? ` ${c.depth}` : ''})`;
    const outcome = runCase(c, join(root, `${name}-${i % 7}.json`), label, load, check, tally);
    if (app) appAgrees(c, outcome, app, label);
  }
  return tally;
}

const ALL: Kind[] = ['value', 'value', 'deep', 'utf8', 'bytes', 'bytes', 'special'];

describe('fuzz: the CLI loaders on damaged files (600 each, seeded)', () => {
  it('projects', () => {
    const tally = fuzz(
      'project',
      PROJECT,
      ALL,
      11,
      loadProject,
      (p) => {
        expect(() => inferShapes(p.graph)).not.toThrow();
      },
      (bytes, name) => documentFromText(appText(bytes, name), name, { name, path: null }),
    );
    expect(tally.loaded).toBeGreaterThan(50);
    expect(tally.refused).toBeGreaterThan(300);
    for (const k of ['value', 'deep', 'utf8', 'bytes', 'special']) expect(tally.byKind[k], k).toBeGreaterThan(50);
  });

  it('weights (and matching them to the graph, where negative variances must be caught)', () => {
    const tally = fuzz('weights', WEIGHTS, [...ALL, 'negvar', 'negvar'], 12, loadWeights, checkWeights, (bytes, name) => readWeightsFor(report, name, appText(bytes, name)));
    // value mutations of a weights file almost always break its fit to the graph: few load
    expect(tally.loaded).toBeGreaterThan(5);
    expect(tally.byKind.negvar).toBeGreaterThan(100);
  });

  it('input tensors', () => {
    const tally = fuzz('tensor', TENSOR, ALL, 13, loadTensor, (t) => {
      expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
      expect(t.data.every(Number.isFinite)).toBe(true);
    });
    expect(tally.loaded).toBeGreaterThan(30);
    expect(tally.refused).toBeGreaterThan(300);
  });
});

/** What `convas infer` and the app check of weights they loaded: finite values, a fit to the graph, variances ≥ 0. */
function checkWeights(w: WeightsFile): void {
  for (const [key, t] of Object.entries(w.tensors)) {
    expect(t.data.length, key).toBe(t.shape.reduce((a, b) => a * b, 1));
    expect(t.data.every(Number.isFinite), key).toBe(true);
  }
  // matching is the next thing `convas infer` does: a FormatError here is a refusal
  const m = matchWeights(report, w);
  expect(m['bn1.running_var'].every((v) => v >= 0)).toBe(true);
}
