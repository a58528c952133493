/**
 * File → Export model in the app: the same exporters as `convas export`, built in the page, then
 * checked where the page can run the target — ONNX in onnxruntime-web, TF.js and Keras (its own
 * config and HDF5 weights, read back) in TensorFlow.js — against the live run's worker (Convas's
 * own inference) on two seeded random inputs. PyTorch cannot run in a page: it says so, and
 * `convas export` checks it under Python. Folders (PyTorch, TF.js) come as one zip.
 */
import { zipSync } from 'fflate';
import type { Preprocessing } from '../../engine/data/preprocessing';
import type { Graph } from '../../engine/graph/types';
import { joinChunks } from '../../engine/io/bytes';
import type { Artifact } from '../../engine/io/export/artifact';
import { kerasArtifact } from '../../engine/io/export/keras';
import { kerasToTfjs, readKeras } from '../../engine/io/export/keras-read';
import { onnxArtifact } from '../../engine/io/export/onnx';
import { exportPlan, type ExportFormat, type ExportPlan } from '../../engine/io/export/plan';
import { pytorchArtifact } from '../../engine/io/export/pytorch';
import { tfjsArtifact } from '../../engine/io/export/tfjs';
import { randomBatch, verification, type Verification } from '../../engine/io/export/verify';
import { inferShapes } from '../../engine/shapes/inferShapes';
import { tensorSlots } from '../../engine/train/weights';
import type { WeightTensors } from '../platform/training';

export interface ExportSource {
  graph: Graph;
  weights: WeightTensors;
  preprocessing: Preprocessing | null;
  name: string;
}

export interface ModelExport {
  suggestedName: string;
  content: Uint8Array;
  mime: string;
  extensions: string[];
  /** null: this target cannot run in the page (`why` says what checks it instead). */
  verification: Verification | null;
  why: string | null;
}

/** Convas's own outputs for one raw sample (the worker applies the run's preprocessing). */
export type ConvasInfer = (sample: Float32Array) => Promise<Float32Array>;

const BATCH = 2;

function zipFolder(a: Artifact): Uint8Array {
  return zipSync(Object.fromEntries(a.files.map((f) => [f.name, joinChunks(f.chunks())])), { level: 0 });
}

async function reference(raw: Float32Array, infer: ConvasInfer): Promise<Float32Array> {
  const per = raw.length / BATCH;
  const outs: Float32Array[] = [];
  for (let n = 0; n < BATCH; n++) outs.push(await infer(raw.slice(n * per, (n + 1) * per)));
  const out = new Float32Array(outs.reduce((s, o) => s + o.length, 0));
  outs.forEach((o, n) => out.set(o, n * o.length));
  return out;
}

/** The preprocessed batch, for targets that only declare the preprocessing (TF.js, Keras run back in TF.js). */
async function preprocessed(plan: ExportPlan, raw: Float32Array): Promise<Float32Array> {
  if (!plan.preprocessing) return raw;
  const { applyPreprocessing } = await import('../../engine/data/preprocessing');
  return applyPreprocessing(plan.preprocessing, { shape: [BATCH, ...plan.input.outShape], data: raw }).data;
}

export async function exportModel(format: ExportFormat, src: ExportSource, infer: ConvasInfer): Promise<ModelExport> {
  // the worker's tensors are flat: their shapes are the graph's (exportPlan checks each size)
  const slots = tensorSlots(inferShapes(src.graph));
  const tensors = Object.fromEntries(slots.filter((s) => src.weights[s.key]).map((s) => [s.key, { shape: s.shape, data: src.weights[s.key] }]));
  const plan = exportPlan(src.graph, { tensors, preprocessing: src.preprocessing });
  const raw = randomBatch(plan, BATCH, 1);
  const what = `outputs of ${BATCH} inputs (seeded random), Convas in this run's worker`;
  const ref = () => reference(raw, infer);
  if (format === 'onnx') {
    const content = joinChunks(onnxArtifact(plan).files[0].chunks());
    const { runOnnx, ONNX_RUNTIME } = await import('../../engine/io/export/onnx-run');
    const got = await runOnnx(content, plan, raw, BATCH);
    return { suggestedName: `${src.name}.onnx`, content, mime: 'application/octet-stream', extensions: ['onnx'], verification: verification(ONNX_RUNTIME, what, got, await ref()), why: null };
  }
  if (format === 'tfjs') {
    const art = tfjsArtifact(plan, src.name);
    const { runTfjs } = await import('../../engine/io/export/tfjs-run');
    const modelJson = JSON.parse(new TextDecoder().decode(joinChunks(art.files[0].chunks()))) as Record<string, unknown>;
    const weightData = joinChunks(art.files.slice(1).flatMap((f) => [...f.chunks()]));
    const got = await runTfjs({ modelJson, weightData }, plan, await preprocessed(plan, raw), BATCH);
    return { suggestedName: `${src.name}-tfjs.zip`, content: zipFolder(art), mime: 'application/zip', extensions: ['zip'], verification: verification(`TensorFlow.js ${got.version}`, what, got.y, await ref()), why: null };
  }
  if (format === 'keras') {
    const content = joinChunks((await kerasArtifact(plan, src.name)).files[0].chunks());
    const { runTfjs } = await import('../../engine/io/export/tfjs-run');
    const { files } = kerasToTfjs(await readKeras(content));
    const got = await runTfjs(files, plan, await preprocessed(plan, raw), BATCH);
    return { suggestedName: `${src.name}.keras`, content, mime: 'application/zip', extensions: ['keras'], verification: verification(`TensorFlow.js ${got.version} running the file's config and HDF5 weights`, what, got.y, await ref()), why: null };
  }
  const content = zipFolder(pytorchArtifact(plan, src.name));
  return { suggestedName: `${src.name}-pytorch.zip`, content, mime: 'application/zip', extensions: ['zip'], verification: null, why: 'PyTorch does not run in the app: `convas export --format pytorch` checks model.py under Python' };
}
