/** Bad input to the real CLI: one clear line on stderr naming the file and problem, exit code 2. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLine, FIXTURES, runCli } from './cli-run';

const PROJECT = join(FIXTURES, 'tiny-cnn.convas.json');
const WEIGHTS = join(FIXTURES, 'tiny-cnn.weights.json');
const INPUT = join(FIXTURES, 'tiny-input.json');
const dir = mkdtempSync(join(tmpdir(), 'convas-cli-errors-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function fails(args: string[], code: number): Promise<string> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  return expectOneLine(r.stderr);
}

describe('convas: bad input', () => {
  it('a missing file', async () => {
    expect(await fails(['validate', join(dir, 'nope.json')], 2)).toBe(`convas validate: cannot read ${join(dir, 'nope.json')}: no such file`);
  });

  it('a file that is not JSON, with line and column', async () => {
    const f = file('bad.json', '{\n  "format": "convas-project",\n  "version": 1,,\n}');
    expect(await fails(['validate', f], 2)).toMatch(new RegExp(`^convas validate: ${f} is not valid JSON at line 3, column 16: \\S`));
  });

  it('a project from a newer Convas', async () => {
    const f = file('future.json', { ...JSON.parse(readFileSync(PROJECT, 'utf8')), version: 3 });
    expect(await fails(['validate', f, '--json'], 2)).toBe(`convas validate: ${f}: convas-project version 3 is newer than this Convas understands (1)`);
  });

  it('an invalid training setting, named by its path', async () => {
    const p = JSON.parse(readFileSync(PROJECT, 'utf8'));
    const f = file('lr.json', { ...p, training: { optimizer: { name: 'sgd', lr: 0 } } });
    expect(await fails(['validate', f], 2)).toBe(`convas validate: ${f}: training.optimizer.lr: must be > 0, got 0`);
  });

  it('weights for another graph: the tensor and both shapes', async () => {
    const w = JSON.parse(readFileSync(WEIGHTS, 'utf8'));
    w.tensors['conv1.weight'] = { shape: [4, 1, 3, 3], data: new Array(36).fill(0) };
    const f = file('w.json', w);
    expect(await fails(['infer', PROJECT, '--weights', f, '--input', INPUT, '--backend', 'cpu', '--json'], 2)).toBe(
      `convas infer: ${f}: conv1.weight: file has 4×1×3×3, graph needs 2×1×3×3`,
    );
  });

  it('weights with a missing tensor and a non-finite value', async () => {
    const w = JSON.parse(readFileSync(WEIGHTS, 'utf8'));
    delete w.tensors['bn1.running_var'];
    const missing = file('missing.json', w);
    expect(await fails(['infer', PROJECT, '--weights', missing, '--input', INPUT, '--backend', 'cpu'], 2)).toBe(
      `convas infer: ${missing}: bn1.running_var: missing from the file (graph needs 2)`,
    );
    const text = readFileSync(WEIGHTS, 'utf8').replace('"fc1.bias":{"shape":[3],"data":[0.01', '"fc1.bias":{"shape":[3],"data":[1e999');
    const inf = file('inf.json', text);
    expect(await fails(['infer', PROJECT, '--weights', inf, '--input', INPUT, '--backend', 'cpu'], 2)).toBe(`convas infer: ${inf}: fc1.bias: data[0] is Infinity, not a finite number`);
  });

  it('an input tensor of the wrong shape', async () => {
    const f = file('x.json', { shape: [1, 1, 5, 5], data: new Array(25).fill(0) });
    expect(await fails(['infer', PROJECT, '--weights', WEIGHTS, '--input', f, '--backend', 'cpu'], 2)).toBe(
      `convas infer: ${f}: shape 1×1×5×5 does not fit the Input input: expected N×1×6×6`,
    );
  });

  it('usage mistakes', async () => {
    expect(await fails(['infer', PROJECT, '--weights', WEIGHTS], 2)).toBe('convas infer: --input <file> is required (see convas infer --help)');
    expect(await fails(['infer', PROJECT, '--input', INPUT, '--backend', 'cuda'], 2)).toBe('convas infer: --backend must be one of auto, webgpu, webasm, cpu, got "cuda"');
    expect(await fails(['validate', PROJECT, '--jsn'], 2)).toBe('convas validate: unknown option --jsn (see convas validate --help)');
    expect(await fails(['validate'], 2)).toBe('convas validate: missing <project> (see convas validate --help)');
    expect(await fails(['train2', PROJECT], 2)).toMatch(/^convas: unknown command "train2" \(commands: validate, infer/);
  });

  it('no weights anywhere', async () => {
    expect(await fails(['infer', PROJECT, '--input', INPUT, '--backend', 'cpu'], 2)).toBe(`convas infer: no weights: pass --weights <file> (${PROJECT} embeds none)`);
  });

  it('--help lists the commands', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: convas <command>/);
    expect(r.stdout).toMatch(/\n {2}validate\s+Check a project/);
    expect(r.stdout).toMatch(/\n {2}infer\s+Run a trained network/);
  });
});
