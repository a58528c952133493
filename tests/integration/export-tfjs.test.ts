/**
 * TF.js layers export: for every preset with an output layer that TF.js layers can express and a
 * graph with every other layer type (random weights), @tensorflow/tfjs loads model.json + shards
 * with tf.loadLayersModel and its outputs equal Convas's within 1e-4 (channels-last inputs,
 * transposed weights). LRN and max pooling padded unlike "same" are refused, naming the node.
 */
import { describe, expect, it } from 'vitest';
import { joinChunks } from '../../src/engine/io/bytes';
import { tfjsArtifact } from '../../src/engine/io/export/tfjs';
import { parseProject } from '../../src/engine/io/project';
import { runTfjs } from '../../src/engine/io/export/tfjs-run';
import { expectClose } from '../helpers/compare';
import { convasOutputs, coverageProject, loadPreset, smallPresetsWithOutput, randomBatch, randomPlan, withoutLrn } from '../helpers/export';

/** LRN (AlexNet, ZFNet) has no TF.js layer; VGG-16 is too big for this CI's CPU (see docs/formats.md). */

function build(plan: ReturnType<typeof randomPlan>['plan'], shardBytes?: number) {
  const art = tfjsArtifact(plan, 'test', shardBytes);
  const modelJson = JSON.parse(new TextDecoder().decode(joinChunks(art.files[0].chunks()))) as Record<string, unknown>;
  const weightData = joinChunks(art.files.slice(1).flatMap((f) => [...f.chunks()]));
  return { art, modelJson, weightData };
}

describe('TF.js layers export', () => {
  const cases = [
    ...smallPresetsWithOutput()
      
      .map((p) => ({ name: p, plan: () => randomPlan(loadPreset(p)).plan })),
    { name: 'every layer type but LRN', plan: () => randomPlan(withoutLrn(coverageProject()), 5).plan },
  ];
  for (const c of cases) {
    it(`${c.name}: tf.loadLayersModel's outputs equal Convas within 1e-4 (batch 2)`, async () => {
      const plan = c.plan();
      const { modelJson, weightData } = build(plan);
      const x = randomBatch(plan, 2, 4);
      const [got, want] = await Promise.all([runTfjs({ modelJson, weightData }, plan, x, 2), convasOutputs(plan, x, 2)]);
      expectClose(got.y, want, 1e-4, c.name);
    });
  }

  it('weights are cut into shards in manifest order (a tensor may span two shards)', async () => {
    const plan = randomPlan(loadPreset('seed-mnist-cnn.convas.json')).plan;
    const { art, modelJson, weightData } = build(plan, 10_000);
    const manifest = (modelJson.weightsManifest as { paths: string[]; weights: { name: string; shape: number[] }[] }[])[0];
    expect(manifest.paths.length).toBeGreaterThan(3);
    expect(art.files.map((f) => f.name)).toEqual(['model.json', ...manifest.paths]);
    expect(manifest.weights.map((w) => w.name).slice(0, 2)).toEqual(['conv1/kernel', 'conv1/bias']);
    expect(manifest.weights[0].shape).toEqual([5, 5, 1, 8]);
    const x = randomBatch(plan, 2, 4);
    expectClose((await runTfjs({ modelJson, weightData }, plan, x, 2)).y, await convasOutputs(plan, x, 2), 1e-4, 'sharded');
  });

  it('ELU with alpha ≠ 1 (which TF.js layers do not implement) is refused, naming the node', () => {
    const project = withoutLrn(coverageProject());
    const graph = { ...project.graph, nodes: project.graph.nodes.map((n) => (n.type === 'ELU' ? { ...n, params: { alpha: 0.7 } } : n)) };
    expect(() => tfjsArtifact(randomPlan({ ...project, graph }).plan, 'x')).toThrow(/^elu \(ELU\): alpha 0\.7 — TF\.js layers' ELU supports only alpha 1/);
  });

  it('LRN is refused, naming the node and TF.js', () => {
    expect(() => tfjsArtifact(randomPlan(coverageProject()).plan, 'x')).toThrow(/^lrn \(LRN\): TF\.js layers have no local response normalisation layer/);
  });

  const stem = (after: string) =>
    parseProject({
      format: 'convas-project',
      version: 1,
      graph: {
        nodes: [
          { id: 'input', type: 'Input', params: { shape: [2, 8, 8] } },
          { id: 'conv', type: 'Conv2D', params: { filters: 3, kernelSize: [1, 1] } },
          { id: 'act', type: after, params: {} },
          { id: 'pool', type: 'MaxPool2D', params: { poolSize: [3, 3], stride: [2, 2], padding: [1, 1] } },
          { id: 'flat', type: 'Flatten', params: {} },
          { id: 'fc', type: 'Dense', params: { units: 3 } },
          { id: 'out', type: 'Softmax', params: {} },
        ],
        edges: ['input', 'conv', 'act', 'pool', 'flat', 'fc', 'out'].slice(1).map((to, i, a) => ({ from: i ? a[i - 1] : 'input', to, port: 0 })),
      },
    });

  it('max pooling padded unlike "same" after a ReLU (ResNet\'s stem) pads with zeros, exactly', async () => {
    const plan = randomPlan(stem('ReLU'), 3).plan;
    const { modelJson, weightData } = build(plan);
    expect(JSON.stringify(modelJson)).toContain('"pool_pad"');
    const x = randomBatch(plan, 2, 4);
    expectClose((await runTfjs({ modelJson, weightData }, plan, x, 2)).y, await convasOutputs(plan, x, 2), 1e-4, 'ReLU + padded max pool');
  });

  it('max pooling padded unlike "same" where inputs can be negative is refused, naming the node', () => {
    expect(() => tfjsArtifact(randomPlan(stem('Tanh')).plan, 'x')).toThrow(/^pool \(MaxPool2D\): padding \[1,1\] places the window differently from TF\.js's "same"/);
  });
});
