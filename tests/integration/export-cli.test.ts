/**
 * `convas export` as a child process: it writes, verifies in the target runtime and prints the
 * largest difference; it refuses an existing --out without --force, finds a bad --out before any
 * work, and names the tensor and both shapes when the weights do not fit the project.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPreset, PRESETS, randomPlan } from '../helpers/export';
import { expectOneLine, runCli } from './cli-run';

const dir = mkdtempSync(join(tmpdir(), 'convas-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MNIST = join(PRESETS, 'seed-mnist-cnn.convas.json');
const weights = join(dir, 'mnist.weights.json');
const lenetWeights = join(dir, 'lenet.weights.json');

beforeAll(() => {
  writeFileSync(weights, JSON.stringify(randomPlan(loadPreset('seed-mnist-cnn.convas.json'), 11).weightsJson()));
  writeFileSync(lenetWeights, JSON.stringify(randomPlan(loadPreset('lenet5.convas.json'), 11).weightsJson()));
});

const exportArgs = (format: string, out: string, ...extra: string[]) => ['export', MNIST, '--weights', weights, '--format', format, '--out', out, '--backend', 'cpu', ...extra];

describe('convas export', () => {
  it('--format onnx writes model.onnx and reports the verification figure', async () => {
    const out = join(dir, 'mnist.onnx');
    const r = await runCli(exportArgs('onnx', out));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(4 * 8 * 25);
    expect(r.stdout).toMatch(/^wrote .*mnist\.onnx \(onnx, 1 file/m);
    const m = /verified with onnxruntime-web [\d.]+ \(wasm\): outputs of 2 samples of MNIST digits, Convas on cpu, largest difference from Convas ([\d.e+-]+) \(allowed 1\.00e-4\)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(1e-4);
  });

  it('--format pytorch writes a folder (model.py, weights.safetensors, train.py with its data, README.md) checked under PyTorch', async () => {
    const out = join(dir, 'mnist-pytorch');
    const r = await runCli(exportArgs('pytorch', out));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'data', 'model.py', 'train.py', 'weights.safetensors']);
    expect(readdirSync(join(out, 'data')).sort()).toEqual(['train-images.idx', 'train-labels.idx']);
    expect(r.stdout).toMatch(/verified with PyTorch [\w.]+ \(model\.py\): outputs of 2 samples of MNIST digits, Convas on cpu, largest difference from Convas [\d.e+-]+ \(allowed 1\.00e-4\)/);
  });

  it('--format tfjs writes model.json and weight shards checked with @tensorflow/tfjs', async () => {
    const out = join(dir, 'mnist-tfjs');
    const r = await runCli(exportArgs('tfjs', out));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(r.stdout).toMatch(/verified with TensorFlow\.js [\d.]+ \(cpu backend\): outputs of 2 samples of MNIST digits, Convas on cpu, largest difference from Convas [\d.e+-]+ \(allowed 1\.00e-4\)/);
  });

  it('--format keras writes one .keras file, run back through TensorFlow.js from its own config and HDF5 weights', async () => {
    const out = join(dir, 'mnist.keras');
    const r = await runCli(exportArgs('keras', out));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verified with TensorFlow\.js [\d.]+ running the \.keras file's config\.json and model\.weights\.h5 \(read back with h5wasm; Keras itself not run\): outputs of 2 samples of MNIST digits, Convas on cpu, every HDF5 dataset equal to the weights bit for bit/);
    // the HDF5 file it streamed from (written beside the output) is gone
    expect(readdirSync(dir).filter((n) => n.includes('.scratch-'))).toEqual([]);
  });

  it('an export that cannot be checked (no Python with torch) is an error, never a silent success', async () => {
    const out = join(dir, 'unchecked');
    process.env.CONVAS_PYTHON = join(dir, 'no-python');
    try {
      const r = await runCli(exportArgs('pytorch', out));
      expect(r.code).toBe(1);
      expect(expectOneLine(r.stderr)).toMatch(/unchecked was written but could not be checked: checking a PyTorch export needs .*no-python with torch/);
    } finally {
      delete process.env.CONVAS_PYTHON;
    }
  });

  it('an existing --out is refused without --force, and replaced with it', async () => {
    const out = join(dir, 'exists.onnx');
    writeFileSync(out, 'keep me');
    const r = await runCli(exportArgs('onnx', out));
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toBe(`convas export: ${out} already exists: pass --force to replace it`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await runCli(exportArgs('onnx', out, '--force'));
    expect(forced.code).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(100);
  });

  it('an unwritable --out is found before any work (even before reading the weights)', async () => {
    const missing = await runCli(['export', MNIST, '--weights', join(dir, 'no-such.json'), '--format', 'onnx', '--out', join(dir, 'no-folder', 'm.onnx')]);
    expect(missing.code).toBe(2);
    expect(expectOneLine(missing.stderr)).toMatch(/cannot write .*no-folder\/m\.onnx: folder .*no-folder does not exist/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      const r = await runCli(exportArgs('onnx', join(locked, 'm.onnx')));
      expect(expectOneLine(r.stderr)).toMatch(/is not writable/);
    }
  });

  it('weights that do not fit the project name the tensor and both shapes; nothing is written', async () => {
    const out = join(dir, 'wrong.onnx');
    const r = await runCli(['export', MNIST, '--weights', lenetWeights, '--format', 'onnx', '--out', out]);
    expect(r.code).toBe(1);
    const line = expectOneLine(r.stderr);
    expect(line).toContain(lenetWeights);
    expect(line).toMatch(/conv1\.weight: file has 6×1×5×5, graph needs 8×1×5×5/);
    expect(existsSync(out)).toBe(false);
  });
});
