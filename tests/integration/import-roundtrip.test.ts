/**
 * Round trip: Convas → ONNX export (src/engine/io/export/onnx.ts) → import gives the same graph —
 * layer types, parameters, edges — and the same outputs. Every small preset with an output layer,
 * and one graph that holds every layer type the export writes.
 *
 * What ONNX does not carry comes back as ONNX has it: Dropout is exported as Identity (inference)
 * and Regression as Identity, so both are left out of the comparison; padding is compared as the
 * pixels it adds on each side (an exported "same" 3×3 comes back as [1, 1]); BatchNorm momentum is
 * a training setting ONNX leaves at its default.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { joinChunks } from '../../src/engine/io/bytes';
import { onnxChunks } from '../../src/engine/io/export/onnx';
import { exportPlan, windowPads, type ExportPlan, type PlanNode } from '../../src/engine/io/export/plan';
import { importOnnx } from '../../src/engine/io/import/onnx-import';
import { parseProject } from '../../src/engine/io/project';
import { poolStride, type PoolParams } from '../../src/engine/layers/pool-window';
import { tensorSlots } from '../../src/engine/train/weights';
import { expectClose } from '../helpers/compare';
import { convasOutputs, loadPreset, randomBatch, randomPlan, smallPresetsWithOutput } from '../helpers/export';
import { importedOutputs } from '../helpers/onnx-import';

/** torchvision's ImageNet networks: the graph round trip only (their inference on the cpu backend takes minutes here). */
const IMAGENET = ['resnet18.convas.json', 'resnet50.convas.json', 'densenet121.convas.json', 'googlenet.convas.json'];
const DROPPED = new Set(['Dropout', 'Regression']);

/** A node as the comparison sees it: type, parameters (padding as pixels per side, stride resolved), input positions. */
function describeNode(n: PlanNode, index: Map<string, number>): unknown {
  const params: Record<string, unknown> = { ...n.params };
  if ('padding' in params) {
    const p = n.params as unknown as PoolParams & { kernelSize?: [number, number]; stride: [number, number] | null };
    const k = p.kernelSize ?? p.poolSize;
    const s = p.kernelSize ? p.stride! : poolStride(p);
    params.padding = windowPads(n, k, s, p.padding);
    params.stride = s;
  }
  if (n.type === 'BatchNorm') delete params.momentum;
  return { type: n.type, params, inputs: n.inputs.map((i) => index.get(i)), outShape: n.outShape };
}

/** The plan's nodes without Dropout/Regression (their readers take their input instead). */
function comparable(plan: ExportPlan): unknown[] {
  const through = new Map<string, string>();
  const resolve = (id: string): string => (through.has(id) ? resolve(through.get(id)!) : id);
  const kept: PlanNode[] = [];
  for (const n of plan.nodes) {
    if (DROPPED.has(n.type)) through.set(n.id, n.inputs[0]);
    else kept.push({ ...n, inputs: n.inputs.map(resolve) });
  }
  const index = new Map(kept.map((n, i) => [n.id, i]));
  return kept.map((n) => describeNode(n, index));
}

async function roundTrip(graph: Graph, what: string, opts: { outputs: boolean } = { outputs: true }): Promise<void> {
  const project = parseProject({ format: 'convas-project', version: 1, graph });
  const { plan } = randomPlan(project);
  const bytes = joinChunks(onnxChunks(plan));
  const imported = importOnnx(bytes);
  const tensors = Object.fromEntries(tensorSlots(imported.report).map((s) => [s.key, { shape: s.shape, data: imported.weights[s.key] }]));
  const back = exportPlan(imported.graph, { tensors });
  expect(comparable(back), what).toEqual(comparable(plan));
  if (!opts.outputs) return;
  const batch = 2;
  const x = randomBatch(plan, batch, 3);
  expectClose(await importedOutputs(imported, x, batch), await convasOutputs(plan, x, batch), 1e-5, `${what}: outputs after the round trip`);
}

/** One graph with every layer type the ONNX export writes, branches and merges included. */
const EVERY_LAYER: Graph = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [3, 12, 12] } },
    { id: 'conv_same', type: 'Conv2D', params: { filters: 6, kernelSize: [3, 3], padding: 'same' } },
    { id: 'bn', type: 'BatchNorm', params: { epsilon: 0.001 } },
    { id: 'leaky', type: 'LeakyReLU', params: { alpha: 0.1 } },
    { id: 'max_same', type: 'MaxPool2D', params: { poolSize: [3, 3], stride: [1, 1], padding: 'same' } },
    { id: 'avg_pad', type: 'AvgPool2D', params: { poolSize: [3, 3], stride: [1, 1], padding: [1, 1] } },
    { id: 'conv_1x1', type: 'Conv2D', params: { filters: 4, kernelSize: [1, 1], useBias: false } },
    { id: 'cat', type: 'Concat', params: {} },
    { id: 'lrn', type: 'LRN', params: { size: 3, alpha: 0.001, beta: 0.75, k: 2 } },
    { id: 'conv_s2', type: 'Conv2D', params: { filters: 8, kernelSize: [3, 3], stride: [2, 2] } },
    { id: 'sig', type: 'Sigmoid', params: {} },
    { id: 'tanh', type: 'Tanh', params: {} },
    { id: 'elu', type: 'ELU', params: { alpha: 0.7 } },
    { id: 'sum', type: 'Add', params: {} },
    { id: 'relu', type: 'ReLU', params: {} },
    { id: 'pool', type: 'MaxPool2D', params: { poolSize: [2, 2] } },
    { id: 'gap', type: 'GlobalAvgPool', params: {} },
    { id: 'flat', type: 'Flatten', params: {} },
    { id: 'fc_a', type: 'Dense', params: { units: 6 } },
    { id: 'fc_b', type: 'Dense', params: { units: 6, useBias: false } },
    { id: 'cat2', type: 'Concat', params: {} },
    { id: 'drop', type: 'Dropout', params: { rate: 0.3 } },
    { id: 'out', type: 'Dense', params: { units: 4 } },
    { id: 'softmax', type: 'Softmax', params: {} },
  ],
  edges: [
    ['input', 'conv_same'], ['conv_same', 'bn'], ['bn', 'leaky'], ['leaky', 'max_same'], ['leaky', 'avg_pad'], ['leaky', 'conv_1x1'],
    ['max_same', 'cat', 0], ['avg_pad', 'cat', 1], ['conv_1x1', 'cat', 2], ['cat', 'lrn'], ['lrn', 'conv_s2'], ['conv_s2', 'sig'], ['conv_s2', 'tanh'],
    ['sig', 'sum', 0], ['tanh', 'elu'], ['elu', 'sum', 1], ['sum', 'relu'], ['relu', 'pool'], ['relu', 'gap'], ['pool', 'flat'], ['gap', 'fc_a'], ['flat', 'fc_b'],
    ['fc_a', 'cat2', 0], ['fc_b', 'cat2', 1], ['cat2', 'drop'], ['drop', 'out'], ['out', 'softmax'],
  ].map(([from, to, port]) => ({ from: from as string, to: to as string, port: (port as number | undefined) ?? 0 })),
};

describe('Convas → ONNX → Convas', () => {
  it('a graph with every exported layer type: same types, parameters, edges and outputs', async () => {
    await roundTrip(EVERY_LAYER, 'every layer');
  }, 120_000);

  for (const preset of smallPresetsWithOutput()) {
    it(preset, async () => {
      await roundTrip(loadPreset(preset).graph, preset);
    }, 120_000);
  }

  for (const preset of IMAGENET) {
    it(`${preset}: the same graph (types, parameters, edges)`, async () => {
      await roundTrip(loadPreset(preset).graph, preset, { outputs: false });
    }, 120_000);
  }
});
