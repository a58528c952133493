/**
 * `convas train --out` and `convas infer --weights` as a user runs them, for the weights-any-size
 * work (issues 8 and 10): special files and symbolic links as --out are refused before training
 * (exit 2, one line, the device left a device); a .json name for a model beyond what JSON holds
 * is refused before training, naming the .safetensors name; a run written as binary weights holds
 * exactly the trained weights (the kept checkpoint's, bit for bit) and infer reads it.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isWeightsBinary } from '../../src/engine/io/weights-binary';
import { loadWeightsFile } from '../../src/engine/io/weights-file.node.js';
import { readCheckpointFile } from '../../src/engine/train/checkpoint-file.node.js';
import { expectOneLine, ROOT, runCli } from './cli-run';

const KERNEL_FIT = join(ROOT, 'resources/presets/seed-kernel-fit.convas.json');
const work = mkdtempSync(join(tmpdir(), 'convas-cli-any-size-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const quick = ['--epochs', '2', '--backend', 'webasm'];

describe('convas train --out: targets that must not be replaced', () => {
  it('refuses /dev/full, a FIFO and a symbolic link before training, and leaves them as they were', async () => {
    const fifo = join(work, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const real = join(work, 'real.json');
    writeFileSync(real, 'keep');
    const link = join(work, 'link.json');
    symlinkSync(real, link);
    const cases: [string, RegExp][] = [
      ['/dev/full', /^convas train: --out \/dev\/full: cannot be written: it is a character device, not a regular file/],
      [fifo, /--out .*pipe\.json: cannot be written: it is a named pipe \(FIFO\), not a regular file/],
      [link, /--out .*link\.json: cannot be written: it is a symbolic link;.*give the path of the file it points to, or remove the link/],
    ];
    for (const [out, message] of cases) {
      const r = await runCli(['train', KERNEL_FIT, ...quick, '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(expectOneLine(r.stderr)).toMatch(message);
      expect(r.stdout).not.toMatch(/Training on/);
    }
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('keep');
  });

  it('refuses a .json --out for AlexNet (58 M weights with 10 classes) before training, naming the binary name', async () => {
    const project = JSON.parse(readFileSync(join(ROOT, 'resources/presets/alexnet.convas.json'), 'utf8'));
    for (const n of project.graph.nodes) if (n.id === 'fc8') n.params.units = 10; // fits Shapes' classes
    const file = join(work, 'alexnet10.convas.json');
    writeFileSync(file, JSON.stringify(project));
    const r = await runCli(['train', file, '--epochs', '1', '--batch', '1', '--backend', 'webasm', '--out', join(work, 'alex.json')]);
    expect(r.code, r.stderr).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(
      /--out .*alex\.json: 58,322,314 weights are more than a weights JSON file holds \(16,777,216: its text could not be read back in one piece\); name the file .*alex\.safetensors to write binary weights of any size$/,
    );
  });
});

describe('convas train --out <name>.safetensors, then infer', () => {
  it('writes exactly the trained weights as binary weights, and infer reads them', async () => {
    const out = join(work, 'fit.safetensors');
    const r = await runCli(['train', KERNEL_FIT, ...quick, '--out', out, '--keep-checkpoints', '--checkpoint-every', '1'], 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(isWeightsBinary(readFileSync(out))).toBe(true);
    const saved = loadWeightsFile(out);
    expect(saved.version).toBe(2);
    expect(saved.preprocessing).not.toBeNull();
    const ckpt = readCheckpointFile(join(work, 'fit.ckpt'));
    const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(Object.keys(saved.tensors).sort()).toEqual(Object.keys(ckpt.weights).sort());
    for (const [k, t] of Object.entries(saved.tensors)) expect(bits(t.data).equals(bits(ckpt.weights[k])), k).toBe(true);

    const input = join(work, 'in.json');
    writeFileSync(input, JSON.stringify({ shape: [1, 1, 80, 80], data: Array.from({ length: 6400 }, (_, i) => (i % 17) / 17) }));
    const inf = await runCli(['infer', KERNEL_FIT, '--weights', out, '--input', input, '--json', '--backend', 'webasm'], 120_000);
    expect(inf.code, inf.stderr).toBe(0);
    const outputs = JSON.parse(inf.stdout).outputs as Record<string, { shape: number[]; data: number[] }>;
    const first = Object.values(outputs)[0];
    expect(first.shape).toEqual([1, 1, 78, 78]);
    expect(first.data.every(Number.isFinite)).toBe(true);
  });
});
