/**
 * What the export tests share: presets with an output layer, random weights for a project,
 * Convas's own outputs (the reference every export is compared with) and a Python runner that
 * answers many checks in one process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName } from '../../src/engine/backend/device';
import { exportPlan, type ExportPlan } from '../../src/engine/io/export/plan';
import { randomBatch } from '../../src/engine/io/export/verify';
import { parseProject, type Project } from '../../src/engine/io/project';
import { weightsToJson } from '../../src/engine/io/weights';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { compileInference } from '../../src/engine/train/network';
import { initWeights, tensorSlots } from '../../src/engine/train/weights';
import { ROOT } from '../integration/cli-run';
import { deviceFor } from './backends';
import { PYTHON } from './torch';

export const PRESETS = join(ROOT, 'resources/presets');

export function loadPreset(file: string): Project {
  return parseProject(JSON.parse(readFileSync(join(PRESETS, file), 'utf8')));
}

/** Every preset whose graph ends in an output layer (Softmax / Regression). */
export function presetsWithOutput(): string[] {
  return readdirSync(PRESETS)
    .filter((f) => f.endsWith('.convas.json'))
    .filter((f) => inferShapes(loadPreset(f).graph).nodes.some((n) => n.spec?.output))
    .sort();
}

/** Random (seeded MSRA) weights, and the plan built from them; `weightsJson()` writes them as a weights file's JSON. */
export function randomPlan(project: Project, seed = 7): { plan: ExportPlan; weightsJson: () => ReturnType<typeof weightsToJson> } {
  const report = inferShapes(project.graph);
  const weights = initWeights(report, 'msra', seed);
  // BatchNorm statistics and biases away from 0 / 1, so a mix-up of tensors shows
  for (const [k, t] of Object.entries(weights)) {
    if (k.endsWith('.running_mean')) t.forEach((_, i) => (t[i] = 0.1 * Math.sin(i + 1)));
    if (k.endsWith('.running_var')) t.forEach((_, i) => (t[i] = 1 + 0.5 * Math.cos(i)));
    if (k.endsWith('.bias')) t.forEach((_, i) => (t[i] = 0.05 * Math.cos(3 * i)));
  }
  const tensors = Object.fromEntries(tensorSlots(report).map((s) => [s.key, { shape: s.shape, data: weights[s.key] }]));
  return { plan: exportPlan(project.graph, { tensors }), weightsJson: () => weightsToJson(report, weights) };
}

/** Convas's inference outputs for a batch (the output node). */
export async function convasOutputs(plan: ExportPlan, x: Float32Array, batch: number, backend: BackendName = 'cpu'): Promise<Float32Array> {
  const inference = compileInference(plan.graph, await deviceFor(backend), { batch });
  try {
    const out = await inference.run(x, plan.weights);
    return out[plan.output.id];
  } finally {
    inference.destroy();
  }
}

export { randomBatch };

/** Run a Python script under /usr/bin/python3 with JSON on stdin; its stdout parsed as JSON. */
export function python<T>(script: string, input: unknown, args: string[] = []): T {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
