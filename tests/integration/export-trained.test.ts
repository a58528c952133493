/**
 * A TRAINED network through every export: the seed's MNIST CNN (18.4 preset) trained by
 * `convas train` on the built-in MNIST digits until a step's loss falls below 0.3 (two dozen
 * steps; the weights file then carries the run's standardisation), exported to PyTorch, ONNX,
 * TF.js and Keras, each run in its own runtime on real test digits and compared with
 * `convas infer` on the same digits within 1e-4. Random weights (the other export tests) leave
 * BatchNorm's running statistics at 0 / 1 and every weight at its initial scale; trained ones
 * do not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPreprocessing } from '../../src/engine/data/preprocessing';
import { joinChunks } from '../../src/engine/io/bytes';
import { kerasModelFor } from '../../src/engine/io/export/keras';
import { kerasToTfjs, kerasWeightsDiffer, readKeras } from '../../src/engine/io/export/keras-read';
import { kerasStreamedArtifact } from '../../src/engine/io/export/keras-write.node.js';
import { onnxChunks } from '../../src/engine/io/export/onnx';
import { runOnnx } from '../../src/engine/io/export/onnx-run';
import { exportPlan, type ExportPlan } from '../../src/engine/io/export/plan';
import { pytorchArtifact } from '../../src/engine/io/export/pytorch';
import { tfjsArtifact } from '../../src/engine/io/export/tfjs';
import { runTfjs } from '../../src/engine/io/export/tfjs-run';
import { verifyInputs } from '../../src/engine/io/export/verify-inputs.node.js';
import { writeArtifact } from '../../src/engine/io/export/write.node.js';
import { loadWeightsFile } from '../../src/engine/io/weights-file.node.js';
import { expectClose } from '../helpers/compare';
import { loadPreset, PRESETS, python } from '../helpers/export';
import { runCli } from './cli-run';

const dir = mkdtempSync(join(tmpdir(), 'convas-export-trained-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROJECT = join(PRESETS, 'seed-mnist-cnn.convas.json');
const BATCH = 4;
const TOL = 1e-4;

let plan: ExportPlan;
/** Four MNIST test digits in pixel units, and the same after the run's standardisation. */
let raw: Float32Array;
let x: Float32Array;
/** `convas infer`'s Softmax outputs for `raw`: what every export is compared with. */
let reference: Float32Array;

beforeAll(async () => {
  const weights = join(dir, 'trained.weights.bin');
  const train = await runCli(['train', PROJECT, '--data', 'mnist', '--epochs', '1', '--seed', '1', '--stop-at-loss', '0.3', '--out', weights, '--json'], 120_000);
  expect(train.code, train.stderr).toBe(0);
  const losses = train.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; loss?: number }).filter((e) => e.type === 'step').map((e) => e.loss!);
  // trained, not initial: a couple of dozen steps (24 on webasm, seed 1), the loss from ~2.6 down below 0.3
  expect(losses.length).toBeGreaterThan(10);
  expect(losses[0]).toBeGreaterThan(1.5);
  expect(losses[losses.length - 1]).toBeLessThan(0.3);

  const project = loadPreset('seed-mnist-cnn.convas.json');
  const file = loadWeightsFile(weights);
  expect(file.preprocessing?.normalize).toBe('standardize');
  plan = exportPlan(project.graph, file);
  // BatchNorm's running statistics moved off their initial 0 / 1 (random-weight exports keep those)
  expect(plan.weights['bn1.running_mean'].some((v) => Math.abs(v) > 1e-3)).toBe(true);
  expect(plan.weights['bn1.running_var'].some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
  const inputs = await verifyInputs(project, PROJECT, plan, BATCH);
  expect(inputs.what).toBe(`${BATCH} samples of MNIST digits`);
  raw = inputs.raw;
  x = applyPreprocessing(plan.preprocessing!, { shape: [BATCH, 1, 28, 28], data: raw }).data;

  const tensor = join(dir, 'digits.json');
  writeFileSync(tensor, JSON.stringify({ shape: [BATCH, 1, 28, 28], data: Array.from(raw) }));
  const infer = await runCli(['infer', PROJECT, '--weights', weights, '--input', tensor, '--backend', 'cpu', '--json']);
  expect(infer.code, infer.stderr).toBe(0);
  reference = Float32Array.from((JSON.parse(infer.stdout) as { outputs: Record<string, { data: number[] }> }).outputs[plan.output.id].data);
  expect(reference.length).toBe(BATCH * 10);
}, 180_000);

describe('exports of a trained seed MNIST CNN', () => {
  it('PyTorch: model.py load() (Debian python3-torch) equals convas infer within 1e-4 on raw digits', async () => {
    const folder = join(dir, 'pytorch');
    await writeArtifact(folder, pytorchArtifact(plan, 'trained mnist'), false);
    const y = python<number[]>(
      `
import importlib.util, json, sys
import torch
torch.set_num_threads(1)
c = json.load(sys.stdin)
spec = importlib.util.spec_from_file_location("model", c["folder"] + "/model.py")
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
with torch.no_grad():
    print(json.dumps(m.load()(torch.tensor(c["x"]).reshape(c["shape"])).flatten().tolist()))
`,
      { folder, x: Array.from(raw), shape: [BATCH, 1, 28, 28] },
    );
    expectClose(y, reference, TOL, 'PyTorch');
  });

  it('ONNX: onnx.checker (full_check) accepts it and onnxruntime-web equals convas infer within 1e-4 on raw digits', async () => {
    const bytes = joinChunks(onnxChunks(plan));
    const path = join(dir, 'model.onnx');
    writeFileSync(path, bytes);
    const checked = python<string>(`import json, sys, onnx\nonnx.checker.check_model(onnx.load(json.load(sys.stdin)), full_check=True)\nprint(json.dumps("ok"))`, path);
    expect(checked).toBe('ok');
    expectClose(await runOnnx(bytes, plan, raw, BATCH), reference, TOL, 'ONNX');
  });

  it('TF.js: tf.loadLayersModel equals convas infer within 1e-4 on standardised digits (the model declares the preprocessing)', async () => {
    const art = tfjsArtifact(plan, 'trained mnist');
    const modelJson = JSON.parse(new TextDecoder().decode(joinChunks(art.files[0].chunks()))) as Record<string, unknown>;
    const weightData = joinChunks(art.files.slice(1).flatMap((f) => [...f.chunks()]));
    expect(JSON.stringify(modelJson)).toContain('"preprocessing"');
    expectClose((await runTfjs({ modelJson, weightData }, plan, x, BATCH)).y, reference, TOL, 'TF.js');
  });

  it('Keras: the streamed .keras reads back equal to the weights, and TF.js running its config equals convas infer within 1e-4', async () => {
    const path = join(dir, 'model.keras');
    await writeArtifact(path, kerasStreamedArtifact(plan, 'trained mnist'), false);
    const k = await readKeras(new Uint8Array(readFileSync(path)));
    expect(kerasWeightsDiffer(k, kerasModelFor(plan, 'trained mnist'))).toBeNull();
    const { files, normalization } = kerasToTfjs(k);
    expect(normalization).toMatchObject({ mean: plan.preprocessing!.mean, variance: plan.preprocessing!.std.map((s) => s * s) });
    expectClose((await runTfjs(files, plan, x, BATCH)).y, reference, TOL, 'Keras');
  });
});
