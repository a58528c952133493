/**
 * Bad files through the real `convas` executable (issue #8, "Bad files"): each gets one line on
 * stderr naming the file and where, exit code 2 — never "internal error", a stack trace, or a
 * silent success with NaN outputs.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { png, pngWithSize } from '../helpers/dataset-files';
import { expectOneLine, FIXTURES, runCli } from './cli-run';

const PROJECT = join(FIXTURES, 'tiny-cnn.convas.json');
const WEIGHTS = join(FIXTURES, 'tiny-cnn.weights.json');
const INPUT = join(FIXTURES, 'tiny-input.json');
const dir = mkdtempSync(join(tmpdir(), 'convas-cli-bad-input-'));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function fails(args: string[]): Promise<string> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/internal error|Maximum call stack/);
  return expectOneLine(r.stderr);
}

const deep = (prefix: string, suffix: string) => prefix + '['.repeat(100_000) + ']'.repeat(100_000) + suffix;

describe('convas with bad files', () => {
  it('JSON nested 100,000 deep — project, weights, input tensor — is refused with the file and position', async () => {
    const project = file('deep.convas.json', deep('{"format":"convas-project","version":1,"graph":', '}'));
    expect(await fails(['validate', project])).toBe(`convas validate: ${project}: nested deeper than 256 levels at line 1, column 303 (character 302); no Convas file nests that deep — the file is damaged or not a Convas file`);
    const weights = file('deep.weights.json', deep('{"format":"convas-weights","version":1,"tensors":{},"metrics":{"a":', '}}'));
    expect(await fails(['infer', PROJECT, '--weights', weights, '--input', INPUT, '--backend', 'cpu'])).toMatch(new RegExp(`^convas infer: ${weights}: nested deeper than 256 levels at line 1, column 322`));
    const input = file('deep.input.json', deep('{"shape":[1,1,6,6],"data":', '}'));
    expect(await fails(['infer', PROJECT, '--weights', WEIGHTS, '--input', input, '--backend', 'cpu'])).toMatch(new RegExp(`^convas infer: ${input}: nested deeper than 256 levels`));
  });

  it('invalid UTF-8 in a project name or weights metadata is refused with the byte offset', async () => {
    const text = readFileSync(PROJECT, 'utf8');
    const at = text.indexOf('"name": "') + '"name": "'.length;
    expect(at).toBeGreaterThan(20);
    const project = file('latin1.convas.json', Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc9]), Buffer.from(text.slice(at))]));
    expect(await fails(['validate', project])).toMatch(new RegExp(`^convas validate: ${project}: invalid UTF-8 at byte ${Buffer.byteLength(text.slice(0, at))} \\(line \\d+\\): 0xc9 starts a 2-byte sequence`));
    const w = JSON.parse(readFileSync(WEIGHTS, 'utf8'));
    w.metrics = { run: 'MARKER' };
    const wt = JSON.stringify(w);
    const cut = wt.indexOf('MARKER');
    const weights = file('latin1.weights.json', Buffer.concat([Buffer.from(wt.slice(0, cut)), Buffer.from([0x80]), Buffer.from(wt.slice(cut))]));
    expect(await fails(['infer', PROJECT, '--weights', weights, '--input', INPUT, '--backend', 'cpu'])).toMatch(
      new RegExp(`^convas infer: ${weights}: invalid UTF-8 at byte ${cut} \\(line 1\\): 0x80 is a continuation byte with no lead byte`),
    );
  });

  it('a directory or a device where a file belongs is named', async () => {
    const d = join(dir, 'a-folder.json');
    mkdirSync(d);
    expect(await fails(['validate', d])).toBe(`convas validate: cannot read ${d}: it is a directory, not a JSON file`);
    expect(await fails(['infer', PROJECT, '--weights', '/dev/zero', '--input', INPUT, '--backend', 'cpu'])).toBe('convas infer: cannot read /dev/zero: it is a character device, not a weights file');
  });

  it('a negative BatchNorm running_var is refused, naming the tensor and index (was: exit 0 with NaN outputs)', async () => {
    const w = JSON.parse(readFileSync(WEIGHTS, 'utf8'));
    w.tensors['bn1.running_var'].data[1] = -0.25;
    const weights = file('negvar.weights.json', JSON.stringify(w));
    expect(await fails(['infer', PROJECT, '--weights', weights, '--input', INPUT, '--backend', 'cpu'])).toBe(`convas infer: ${weights}: bn1.running_var[1] is -0.25: a variance cannot be below 0`);
  });
});

describe('convas infer --input with an image', () => {
  it('takes a PNG with bytes after IEND as the clean one, and refuses a huge IHDR with its size and the limit', async () => {
    const clean = png(6, 6, (x, y) => [x * 40, y * 40, 0]);
    const a = file('clean.png', clean);
    const b = file('trailer.png', Buffer.concat([clean, Buffer.from('bytes an editor left after IEND')]));
    const ok = await runCli(['infer', PROJECT, '--weights', WEIGHTS, '--input', a, '--backend', 'cpu', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const trailer = await runCli(['infer', PROJECT, '--weights', WEIGHTS, '--input', b, '--backend', 'cpu', '--json']);
    expect(trailer.code, trailer.stderr).toBe(0);
    expect(JSON.parse(trailer.stdout).outputs).toEqual(JSON.parse(ok.stdout).outputs);
    const huge = file('huge.png', pngWithSize(clean, 100_000, 100_000));
    expect(await fails(['infer', PROJECT, '--weights', WEIGHTS, '--input', huge, '--backend', 'cpu'])).toBe(
      `convas infer: ${huge}: unreadable PNG image: the PNG header says 100000×100000 = 10,000,000,000 pixels, more than the 89,478,485 an image may have (PIL's limit); resize it or leave it out`,
    );
  });
});

describe('a graph far beyond memory', () => {
  const huge = {
    format: 'convas-project',
    version: 1,
    name: 'huge',
    graph: {
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [1, 28, 28] } },
        { id: 'flat', type: 'Flatten', params: {} },
        { id: 'fc', type: 'Dense', params: { units: 1_048_576 } },
        { id: 'fc2', type: 'Dense', params: { units: 6 } },
        { id: 'out', type: 'Softmax', params: {} },
      ],
      edges: [
        { from: 'input', to: 'flat', port: 0 },
        { from: 'flat', to: 'fc', port: 0 },
        { from: 'fc', to: 'fc2', port: 0 },
        { from: 'fc2', to: 'out', port: 0 },
      ],
    },
    // 256 TiB would not fit any machine this test runs on: a batch of 65,536 makes the activations alone 512 GiB
    training: { epochs: 1, batchSize: 65_536, optimizer: { name: 'adam', lr: 0.001 }, dataset: { source: 'builtin', name: 'shapes' } },
  };

  it('validate says it will not fit, with the numbers (the graph itself is valid: exit 0)', async () => {
    const project = file('huge.convas.json', JSON.stringify(huge));
    const r = await runCli(['validate', project]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n✗ Training memory \(batch 65536, adam\) will not fit: training needs about \d+(\.\d)? [GT]iB \(parameters \d+(\.\d)? GiB, gradients .*; 829,423,622 parameters\), more than this (machine's memory|container's memory limit) \(\d+(\.\d)? GiB\): use fewer units/);
    const j = await runCli(['validate', project, '--json']);
    expect(JSON.parse(j.stdout).memory).toMatchObject({ verdict: 'too-big', batch: 65_536, optimizer: 'adam' });
  });

  it('train refuses at the start, before any allocation, with the same numbers (was: grew past 3 GB with no step)', async () => {
    const project = file('huge-train.convas.json', JSON.stringify(huge));
    const r = await runCli(['train', project, '--backend', 'cpu'], 240_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/training needs about .* more than this (machine's memory|container's memory limit)/);
    expect(r.stderr).not.toMatch(/internal error/);
  }, 300_000);
});
