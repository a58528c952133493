/**
 * What the export tests share: presets with an output layer, random weights for a project,
 * Convas's own outputs (the reference every export is compared with) and a Python runner that
 * answers many checks in one process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName } from '../../src/engine/backend/device';
import { applyPreprocessing } from '../../src/engine/data/preprocessing';
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

/**
 * Presets small enough to run through Convas's cpu backend in CI (≤ 100 MFLOP per sample);
 * the ImageNet-sized ones (AlexNet … VGG-16) are checked for structure in export-presets.test.ts.
 */
export const RUNNABLE_FLOPS = 1e8;
export function smallPresetsWithOutput(): string[] {
  return presetsWithOutput().filter((f) => inferShapes(loadPreset(f).graph).totals.flops <= RUNNABLE_FLOPS);
}

/** A plan whose tensors are zero views of one shared buffer: for building structure, not numbers. */
export function structurePlan(project: Project): ExportPlan {
  const report = inferShapes(project.graph);
  const slots = tensorSlots(report);
  const buffer = new ArrayBuffer(4 * Math.max(1, ...slots.map((s) => s.size)));
  const tensors = Object.fromEntries(slots.map((s) => [s.key, { shape: s.shape, data: new Float32Array(buffer, 0, s.size) }]));
  return exportPlan(project.graph, { tensors });
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

/**
 * One small graph with every layer type and the awkward cases: "same" padding that is uneven
 * (extra pixel after) on a conv and both pools, explicit padding, LRN, merges, BatchNorm on
 * images and on vectors, and node ids that are not Python identifiers.
 */
/** `eluAlpha`: TF.js layers implement only 1, ONNX and PyTorch any (they are checked with 0.7). */
export function coverageProject(eluAlpha = 1): Project {
  const n = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params });
  const nodes = [
    n('input', 'Input', { shape: [3, 9, 8] }),
    n('conv-a', 'Conv2D', { filters: 4, kernelSize: [4, 3], stride: [2, 2], padding: 'same' }),
    n('forward', 'LeakyReLU', { alpha: 0.2 }),
    n('conv_b', 'Conv2D', { filters: 4, kernelSize: [3, 3], padding: [1, 1], useBias: false }),
    n('bn2d', 'BatchNorm', { epsilon: 1e-3 }),
    n('sig', 'Sigmoid'),
    n('add', 'Add'),
    n('lrn', 'LRN', { size: 3, alpha: 0.3, beta: 0.75, k: 2 }),
    n('maxp', 'MaxPool2D', { poolSize: [2, 2], stride: [1, 1], padding: 'same' }),
    n('avgp', 'AvgPool2D', { poolSize: [3, 3], stride: [2, 2], padding: 'same' }),
    n('avgp2', 'AvgPool2D', { poolSize: [2, 2], stride: [2, 2], padding: [1, 0] }),
    n('elu', 'ELU', { alpha: eluAlpha }),
    n('tanh', 'Tanh'),
    n('cat', 'Concat'),
    n('gap', 'GlobalAvgPool'),
    n('fc', 'Dense', { units: 6 }),
    n('bn1d', 'BatchNorm'),
    n('relu', 'ReLU'),
    n('drop', 'Dropout', { rate: 0.3 }),
    n('fc2', 'Dense', { units: 5 }),
    n('out', 'Softmax'),
  ];
  const chain = [
    ['input', 'conv-a'], ['conv-a', 'forward'], ['forward', 'conv_b'], ['conv_b', 'bn2d'], ['bn2d', 'sig'],
    ['forward', 'add'], ['sig', 'add'], ['add', 'lrn'], ['lrn', 'maxp'], ['maxp', 'avgp'], ['maxp', 'avgp2'], ['avgp2', 'elu'], ['elu', 'tanh'],
    ['avgp', 'cat'], ['tanh', 'cat'], ['cat', 'gap'], ['gap', 'fc'], ['fc', 'bn1d'], ['bn1d', 'relu'], ['relu', 'drop'], ['drop', 'fc2'], ['fc2', 'out'],
  ];
  const ports = new Map<string, number>();
  const edges = chain.map(([from, to]) => {
    const port = ports.get(to) ?? 0;
    ports.set(to, port + 1);
    return { from, to, port };
  });
  return parseProject({ format: 'convas-project', version: 1, name: 'coverage', graph: { nodes, edges } });
}

/** A preprocessing record for a plan's input (per-channel mean and std away from 0 and 1). */
export function withPreprocessing(plan: ExportPlan): ExportPlan {
  const shape = [...plan.input.outShape];
  const channels = shape.length === 3 ? shape[0] : 1;
  const mean = Array.from({ length: channels }, (_, c) => 0.1 + 0.2 * c);
  const std = Array.from({ length: channels }, (_, c) => 0.5 + 0.25 * c);
  return { ...plan, preprocessing: { layout: shape.length === 3 ? 'NCHW' : 'NF', inputShape: shape, inputUnits: 'pixel values in [0, 1]', normalize: 'standardize', mean, std } };
}

/** Convas's outputs for raw inputs: the plan's preprocessing applied first, as training did. */
export async function convasOutputsRaw(plan: ExportPlan, raw: Float32Array, batch: number): Promise<Float32Array> {
  const x = plan.preprocessing ? applyPreprocessing(plan.preprocessing, { shape: [batch, ...plan.input.outShape], data: raw }).data : raw;
  return convasOutputs(plan, x, batch);
}

/** The same graph with its LRN nodes bypassed (for targets that have no LRN). */
export function withoutLrn(project: Project): Project {
  const lrn = new Set(project.graph.nodes.filter((n) => n.type === 'LRN').map((n) => n.id));
  const source = (id: string) => project.graph.edges.find((e) => e.to === id)!.from;
  const edges = project.graph.edges.filter((e) => !lrn.has(e.to)).map((e) => (lrn.has(e.from) ? { ...e, from: source(e.from) } : e));
  return { ...project, graph: { nodes: project.graph.nodes.filter((n) => !lrn.has(n.id)), edges } };
}
