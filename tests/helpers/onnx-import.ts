/**
 * What the ONNX import tests share: PyTorch models exported by tests/torch/onnx_models.py (one
 * Python process per test file) and Convas's inference of an imported graph.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '../../src/engine/backend/device';
import type { OnnxImport } from '../../src/engine/io/import/onnx-import';
import { compileInference } from '../../src/engine/train/network';
import { deviceFor } from './backends';
import { PYTHON } from './torch';

const SCRIPT = fileURLToPath(new URL('../torch/onnx_models.py', import.meta.url));

export interface TorchModel {
  shape: number[];
  x: number[];
  y: number[];
  params: number;
}

/** Export the named models into `dir` (as <name>.onnx); PyTorch's inputs and outputs for each. */
export function exportTorchModels(dir: string, names: string[]): Record<string, TorchModel> {
  if (!existsSync(PYTHON)) throw new Error(`the ONNX import tests need ${PYTHON} with torch and torchvision (apt-get install python3-torch python3-torchvision)`);
  const r = spawnSync(PYTHON, [SCRIPT, dir, ...names], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`onnx_models.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, TorchModel>;
}

/** The imported graph's final output for a batch, on one backend. */
export async function importedOutputs(imported: OnnxImport, x: Float32Array, batch: number, backend: BackendName = 'cpu'): Promise<Float32Array> {
  const inference = compileInference(imported.graph, await deviceFor(backend), { batch });
  try {
    const out = await inference.run(x, imported.weights);
    return Object.values(out)[0];
  } finally {
    inference.destroy();
  }
}
