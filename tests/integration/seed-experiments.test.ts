/**
 * The seed's chapter-18 experiments on real data, redone as a user would — `convas train` on
 * the presets as they ship, on the built-in MNIST digits (18.4) and the system's Fashion-MNIST
 * (18.5, Debian's dataset-fashion-mnist, which CI installs) — beside PyTorch on the same recipe
 * and split (tests/torch/seed_recipes.py: same network, MSRA init, standardisation, SGD with
 * momentum, batch size, epochs). Both sides are seeded, so the figures repeat exactly; the
 * test accuracy of Convas (mean over seeds) must be within 1.5 points of PyTorch's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index';
import { findFashionMnist } from '../../src/engine/data/installed.node.js';
import * as digits from '../../src/engine/data/mnist-digits-data';
import { ROOT } from './cli-run';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'convas-seed-experiments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Convas's test accuracy after the run, through the CLI's JSON lines. */
async function convasAccuracy(preset: string, data: string, epochs: number, seed: number): Promise<number> {
  let out = '';
  let err = '';
  const args = ['train', join(ROOT, 'resources/presets', preset), '--data', data, '--epochs', String(epochs), '--seed', String(seed), '--json', '--backend', 'webasm'];
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  if (code !== 0) throw new Error(`convas ${args.join(' ')} exited with ${code}: ${err}`);
  const finished = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; metrics?: { valAccuracy: number } })
    .find((e) => e.type === 'finished');
  return finished!.metrics!.valAccuracy;
}

function torchAccuracy(dataDir: string, model: string, epochs: number, batch: number, lr: number, seeds: number[]): number[] {
  const out = execFileSync(PYTHON, [join(ROOT, 'tests/torch/seed_recipes.py'), '--data', dataDir, '--model', model, '--epochs', String(epochs), '--batch', String(batch), '--lr', String(lr), '--seeds', ...seeds.map(String)], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  return (JSON.parse(out) as { accuracies: number[] }).accuracies;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (xs: number[]) => xs.map((x) => (x * 100).toFixed(1)).join(' / ');

describe('the seed’s experiments on real data, Convas beside PyTorch', () => {
  it('18.4: the table 18-5 CNN on the built-in MNIST digits, 2 epochs, three seeds', { timeout: 900_000 }, async () => {
    // the built-in digits as IDX files, for PyTorch
    const idx = join(dir, 'mnist-digits');
    execFileSync('mkdir', ['-p', idx]);
    const files: [string, string][] = [
      ['train-images-idx3-ubyte.gz', digits.trainImages],
      ['train-labels-idx1-ubyte.gz', digits.trainLabels],
      ['t10k-images-idx3-ubyte.gz', digits.testImages],
      ['t10k-labels-idx1-ubyte.gz', digits.testLabels],
    ];
    for (const [name, b64] of files) writeFileSync(join(idx, name), Buffer.from(b64, 'base64'));
    const seeds = [1, 2, 3];
    const torch = torchAccuracy(idx, 'mnist-cnn', 2, 64, 0.1, seeds);
    const convas: number[] = [];
    for (const s of seeds) convas.push(await convasAccuracy('seed-mnist-cnn.convas.json', 'mnist', 2, s));
    console.log(`18.4 MNIST CNN, MNIST digits (8,000 / 2,000), 2 epochs: Convas ${pct(convas)} % (mean ${(mean(convas) * 100).toFixed(2)}), PyTorch ${pct(torch)} % (mean ${(mean(torch) * 100).toFixed(2)})`);
    expect(mean(convas)).toBeGreaterThan(0.9);
    expect(Math.abs(mean(convas) - mean(torch))).toBeLessThanOrEqual(0.015);
  });

  const fashion = findFashionMnist();
  if (!fashion) console.warn('Fashion-MNIST is not installed (apt install dataset-fashion-mnist): the 18.5 experiment does not run here');
  it.runIf(fashion)('18.5: the fully-connected net on the installed Fashion-MNIST (60,000 / 10,000), 2 epochs', { timeout: 900_000 }, async () => {
    // PyTorch is cheap here: three seeds for its mean; Convas one (60,000 samples an epoch on the CPU)
    const torch = torchAccuracy(fashion!, 'fashion-dnn', 2, 128, 0.1, [1, 2, 3]);
    const convas = [await convasAccuracy('seed-fashion-mnist-dnn.convas.json', 'fashion-mnist', 2, 1)];
    console.log(`18.5 Fashion DNN, Fashion-MNIST, 2 epochs: Convas ${pct(convas)} %, PyTorch ${pct(torch)} % (mean ${(mean(torch) * 100).toFixed(2)})`);
    expect(mean(convas)).toBeGreaterThan(0.8);
    expect(Math.abs(mean(convas) - mean(torch))).toBeLessThanOrEqual(0.015);
  });
});
