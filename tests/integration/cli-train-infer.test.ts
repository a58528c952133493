/**
 * Train, then infer, gives the trained answers (issue 8): the seed MNIST CNN, standardised as its
 * preset says, trained by `convas train` on Shapes written as MNIST IDX files; `convas infer` on
 * the raw test images — the IDX file itself, one PNG, a CIFAR-10 batch — applies the
 * preprocessing saved with the weights and gets the worker's validation accuracy; class names
 * saved with the weights are printed beside the indices.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinChunks } from '../../src/engine/io/bytes';
import { parseWeightsFile, weightsToJson } from '../../src/engine/io/weights';
import { encodeWeightsFile } from '../../src/engine/io/weights-encode';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights } from '../../src/engine/train/weights';
import { ROOT, runCli } from './cli-run';
import { writeShapesCifarBatch, writeShapesIdx, type ShapesFiles } from './shapes-files';

const PRESET = join(ROOT, 'resources/presets/seed-mnist-cnn.convas.json');
const CIFAR = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const dir = mkdtempSync(join(tmpdir(), 'convas-train-infer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface InferJson {
  outputs: Record<string, { shape: number[]; data: number[]; classes?: string[]; predicted?: { class: number; name?: string; probability: number }[] }>;
}

function argmaxRows(o: InferJson): number[] {
  const [out] = Object.values(o.outputs);
  const [n, k] = out.shape;
  return Array.from({ length: n }, (_, i) => {
    const row = out.data.slice(i * k, (i + 1) * k);
    return row.indexOf(Math.max(...(row as number[])));
  });
}

async function infer(project: string, weights: string, input: string): Promise<InferJson> {
  const r = await runCli(['infer', project, '--weights', weights, '--input', input, '--backend', 'webasm', '--json'], 120_000);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as InferJson;
}

let files: ShapesFiles;
let valAccuracy: number;
const weightsPath = join(dir, 'w.json');

beforeAll(async () => {
  files = await writeShapesIdx(join(dir, 'shapes-idx'), 1200, 300);
  const r = await runCli(['train', PRESET, '--data', files.dir, '--epochs', '2', '--batch', '32', '--backend', 'webasm', '--json', '--out', weightsPath], 600_000);
  expect(r.code, r.stderr).toBe(0);
  const finished = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; metrics?: { valAccuracy: number } }).at(-1)!;
  expect(finished.type).toBe('finished');
  valAccuracy = finished.metrics!.valAccuracy;
}, 600_000);

describe('convas train → convas infer', () => {
  it('saves the standardisation the run used with the weights: mode, per-channel statistics of the training split, layout, units', () => {
    const w = parseWeightsFile(JSON.parse(readFileSync(weightsPath, 'utf8')));
    const train = readFileSync(join(files.dir, 'train-images-idx3-ubyte')).subarray(16);
    let sum = 0;
    let sq = 0;
    for (const b of train) {
      sum += b / 255;
      sq += (b / 255) ** 2;
    }
    const mean = sum / train.length;
    expect(w.preprocessing).toMatchObject({ layout: 'NCHW', inputShape: [1, 28, 28], normalize: 'standardize', inputUnits: expect.stringMatching(/pixel values in \[0, 1\]/) });
    expect(w.preprocessing!.mean[0]).toBeCloseTo(mean, 6);
    expect(w.preprocessing!.std[0]).toBeCloseTo(Math.sqrt(sq / train.length - mean * mean), 6);
    // IDX files that are not Fashion-MNIST are digits: the record names the outputs '0'…'9'
    expect(w.preprocessing!.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('infer on the raw IDX test images gives the validation accuracy the worker reported', async () => {
    expect(valAccuracy).toBeGreaterThan(0.3); // it learned something (chance: 10 %)
    const predicted = argmaxRows(await infer(PRESET, weightsPath, files.testImages));
    expect(predicted).toHaveLength(300);
    const correct = predicted.filter((p, i) => p === files.test.labels[i]).length;
    // the same 300 images, weights and normalisation; at most one argmax tie may fall otherwise
    expect(Math.abs(correct / 300 - valAccuracy)).toBeLessThanOrEqual(1 / 300);
  });

  it('infer on a PNG of one test image gives the same class as the IDX row', async () => {
    const all = argmaxRows(await infer(PRESET, weightsPath, files.testImages));
    for (const i of [0, 7]) {
      const png = new PNG({ width: 28, height: 28 });
      for (let p = 0; p < 28 * 28; p++) {
        const v = files.test.pixels[i * 784 + p];
        png.data.set([v, v, v, 255], 4 * p);
      }
      const file = join(dir, `sample-${i}.png`);
      writeFileSync(file, PNG.sync.write(png));
      expect(argmaxRows(await infer(PRESET, weightsPath, file))).toEqual([all[i]]);
    }
  });
});

describe('convas infer --input', () => {
  const rgb = {
    nodes: [
      { id: 'input', type: 'Input', params: { shape: [3, 32, 32] } },
      { id: 'conv', type: 'Conv2D', params: { filters: 2, kernelSize: [5, 5], stride: [3, 3] } },
      { id: 'flat', type: 'Flatten', params: {} },
      { id: 'fc', type: 'Dense', params: { units: 10 } },
      { id: 'out', type: 'Softmax', params: {} },
    ],
    edges: [
      { from: 'input', to: 'conv', port: 0 },
      { from: 'conv', to: 'flat', port: 0 },
      { from: 'flat', to: 'fc', port: 0 },
      { from: 'fc', to: 'out', port: 0 },
    ],
  };

  it('reads a CIFAR-10 batch as pixels in [0, 1] and applies the weights\' per-channel standardisation', async () => {
    const project = join(dir, 'rgb.convas.json');
    writeFileSync(project, JSON.stringify({ format: 'convas-project', version: 1, graph: rgb }));
    const report = inferShapes(rgb as never);
    const tensors = initWeights(report, 'msra', 4);
    const preprocessing = { layout: 'NCHW' as const, inputShape: [3, 32, 32], inputUnits: 'pixel values in [0, 1] (stored byte ÷ 255)', normalize: 'standardize' as const, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] };
    const withRecord = join(dir, 'rgb-pre.json');
    const without = join(dir, 'rgb-raw.json');
    writeFileSync(withRecord, JSON.stringify(weightsToJson(report, tensors, { preprocessing })));
    writeFileSync(without, JSON.stringify(weightsToJson(report, tensors)));

    const batch = join(dir, 'test_batch.bin');
    const { pixels } = await writeShapesCifarBatch(batch, 5);
    // the same samples standardised by hand, for weights that record no preprocessing
    const plane = 32 * 32;
    const standardised = Array.from(pixels, (b, i) => {
      const c = Math.floor((i % (3 * plane)) / plane);
      return (b / 255 - preprocessing.mean[c]) / preprocessing.std[c];
    });
    const byHand = join(dir, 'by-hand.json');
    writeFileSync(byHand, JSON.stringify({ shape: [5, 3, 32, 32], data: standardised }));

    const fromBatch = await infer(project, withRecord, batch);
    const reference = await infer(project, without, byHand);
    expect(fromBatch.outputs.out.shape).toEqual([5, 10]);
    fromBatch.outputs.out.data.forEach((v, i) => expect(v).toBeCloseTo(reference.outputs.out.data[i], 5));
    // and the raw values without the record would give other answers
    const raw = await infer(project, without, batch);
    expect(raw.outputs.out.data.some((v, i) => Math.abs(v - reference.outputs.out.data[i]) > 1e-3)).toBe(true);
  });

  it('names the classes when the weights know them (CIFAR-10\'s names), in words and in --json; older weights give indices', async () => {
    const project = join(dir, 'rgb-named.convas.json');
    writeFileSync(project, JSON.stringify({ format: 'convas-project', version: 1, graph: rgb }));
    const report = inferShapes(rgb as never);
    const tensors = initWeights(report, 'msra', 4);
    const before = { layout: 'NCHW' as const, inputShape: [3, 32, 32], inputUnits: 'pixel values in [0, 1] (stored byte ÷ 255)', normalize: 'unit' as const, mean: [0, 0, 0], std: [1, 1, 1] };
    const preprocessing = { ...before, classes: CIFAR };
    const named = join(dir, 'rgb-named.safetensors');
    writeFileSync(named, joinChunks(encodeWeightsFile(report, tensors, { preprocessing }, 'binary')));
    const old = join(dir, 'rgb-old.json');
    writeFileSync(old, JSON.stringify(weightsToJson(report, tensors, { preprocessing: before })));
    const batch = join(dir, 'named_batch.bin');
    await writeShapesCifarBatch(batch, 3);

    const json = await infer(project, named, batch);
    const rows = argmaxRows(json);
    expect(json.outputs.out.classes).toEqual(CIFAR);
    expect(json.outputs.out.predicted!.map((p) => [p.class, p.name])).toEqual(rows.map((c) => [c, CIFAR[c]]));
    json.outputs.out.predicted!.forEach((p, n) => expect(p.probability).toBe(json.outputs.out.data[n * 10 + p.class]));

    const text = await runCli(['infer', project, '--weights', named, '--input', batch, '--backend', 'webasm'], 120_000);
    expect(text.code, text.stderr).toBe(0);
    rows.forEach((c, n) => expect(text.stdout).toMatch(new RegExp(`sample ${n}: class ${c} ${CIFAR[c]} \\(\\d+\\.\\d%\\), class \\d [a-z]+ \\(`)));

    const unnamed = await infer(project, old, batch);
    expect(unnamed.outputs.out).not.toHaveProperty('classes');
    expect(unnamed.outputs.out.predicted!.map((p) => [p.class, p.name])).toEqual(rows.map((c) => [c, undefined]));
    const plain = await runCli(['infer', project, '--weights', old, '--input', batch, '--backend', 'webasm'], 120_000);
    expect(plain.stdout).toMatch(/sample 0: class \d \(\d+\.\d%\), class \d \(/);
  });

  it('refuses an input that does not fit the graph, naming the file and both shapes', async () => {
    const r = await runCli(['infer', PRESET, '--weights', weightsPath, '--input', join(dir, 'test_batch.bin')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/test_batch\.bin: CIFAR-10 images of 3×32×32 do not fit the graph's Input 1×28×28/);
  });
});
