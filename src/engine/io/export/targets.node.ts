/**
 * Node-only: each export format as the CLI (and Electron main) run it — how to build it, and how
 * to check what was written in the format's own runtime against Convas's outputs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Project } from '../project';
import { textFile, type Artifact } from './artifact';
import { onnxArtifact } from './onnx';
import { ONNX_RUNTIME, runOnnx } from './onnx-run';
import type { ExportFormat, ExportPlan } from './plan';
import { pytorchArtifact } from './pytorch';
import { runTorchModel } from './pytorch-run.node.js';
import { kerasModelFor } from './keras';
import { kerasToTfjs, kerasWeightsDiffer } from './keras-read';
import { readKerasFromDisk } from './keras-read.node.js';
import { kerasStreamedArtifact } from './keras-write.node.js';
import { tfjsArtifact } from './tfjs';
import { trainData } from './train-data.node.js';
import { trainPy } from './train-py';
import { runTfjs } from './tfjs-run';
import { verification, type Verification } from './verify';

export interface VerifyInput {
  plan: ExportPlan;
  /** Raw inputs (the data's own units): what the exported model takes when it applies the preprocessing itself. */
  raw: Float32Array;
  /** Where the export was written. */
  out: string;
  /** Inputs after the preprocessing: what Convas's network (and an export that only declares it) takes. */
  x: Float32Array;
  batch: number;
  /** Convas's outputs for `x`. */
  reference: Float32Array;
  /** "2 inputs (seeded random)". */
  inputs: string;
}

/** The project being exported: its name, training settings and where it lives (for data paths). */
export interface ExportSource {
  project: Project;
  projectPath: string;
}

export interface ExportTarget {
  /** One file (model.onnx, model.keras) or a folder. */
  kind: Artifact['kind'];
  build(plan: ExportPlan, source: ExportSource): Artifact | Promise<Artifact>;
  verify(v: VerifyInput): Promise<Verification>;
}

export const TARGETS: Record<ExportFormat, ExportTarget> = {
  onnx: {
    kind: 'file',
    build: (plan) => onnxArtifact(plan),
    async verify({ plan, out, raw, batch, reference, inputs }) {
      const got = await runOnnx(new Uint8Array(await readFile(out)), plan, raw, batch);
      return verification(ONNX_RUNTIME, `outputs of ${inputs}`, got, reference);
    },
  },
  pytorch: {
    kind: 'folder',
    async build(plan, { project, projectPath }) {
      const { data, files } = await trainData(project, projectPath, plan);
      return pytorchArtifact(plan, project.name, [textFile('train.py', trainPy(plan, { training: project.training, data })), ...files]);
    },
    async verify({ plan, out, raw, batch, reference, inputs }) {
      const { y, torch } = await runTorchModel(out, raw, [batch, ...plan.input.outShape]);
      return verification(`PyTorch ${torch} (model.py)`, `outputs of ${inputs}`, y, reference);
    },
  },
  tfjs: {
    kind: 'folder',
    build: (plan, { project }) => tfjsArtifact(plan, project.name),
    async verify({ plan, out, x, batch, reference, inputs }) {
      const modelJson = JSON.parse(await readFile(join(out, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
      const shards = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(out, p))));
      const { y, version } = await runTfjs({ modelJson, weightData: new Uint8Array(Buffer.concat(shards)) }, plan, x, batch);
      return verification(`TensorFlow.js ${version} (cpu backend)`, `outputs of ${inputs}`, y, reference);
    },
  },
  keras: {
    kind: 'file',
    build: (plan, { project }) => kerasStreamedArtifact(plan, project.name),
    // no Keras runtime here: TensorFlow.js runs the file's own config.json and HDF5 weights
    async verify({ plan, out, x, batch, reference, inputs }) {
      const file = await readKerasFromDisk(out);
      const differ = kerasWeightsDiffer(file, kerasModelFor(plan, ''));
      const { files, normalization } = kerasToTfjs(file);
      const { y, version } = await runTfjs(files, plan, x, batch);
      const v = verification(`TensorFlow.js ${version} running the .keras file's config.json and model.weights.h5 (read back with h5wasm; Keras itself not run)`, `outputs of ${inputs}`, y, reference);
      if (differ) return { ...v, ok: false, what: `${v.what}; model.weights.h5 differs from the weights: ${differ}` };
      if (plan.preprocessing && JSON.stringify(normalization?.mean) !== JSON.stringify(plan.preprocessing.mean)) {
        return { ...v, ok: false, what: `${v.what}; the Normalization layer does not hold the preprocessing record's mean` };
      }
      return { ...v, what: `${v.what}, every HDF5 dataset equal to the weights bit for bit` };
    },
  },
};
