/**
 * TF.js layers export: for every preset with an output layer that TF.js layers can express and a
 * graph with every other layer type (random weights), @tensorflow/tfjs loads model.json + shards
 * with tf.loadLayersModel and its outputs equal Convas's within 1e-4 (channels-last inputs,
 * transposed weights). LRN and max pooling padded unlike "same" are refused, naming the node.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { joinChunks } from '../../src/engine/io/bytes';
import { tfjsArtifact } from '../../src/engine/io/export/tfjs';
import { runTfjs } from '../../src/engine/io/export/tfjs-run';
import { expectClose } from '../helpers/compare';
import { convasOutputs, coverageProject, loadPreset, presetsWithOutput, randomBatch, randomPlan, withoutLrn } from '../helpers/export';

/** LRN (AlexNet, ZFNet) has no TF.js layer; VGG-16 is too big for this CI's CPU (see docs/formats.md). */
const SKIP = new Set(['alexnet.convas.json', 'zfnet.convas.json', 'vgg16.convas.json']);

function build(plan: ReturnType<typeof randomPlan>['plan'], shardBytes?: number) {
  const art = tfjsArtifact(plan, 'test', shardBytes);
  const modelJson = JSON.parse(new TextDecoder().decode(joinChunks(art.files[0].chunks()))) as Record<string, unknown>;
  const weightData = joinChunks(art.files.slice(1).flatMap((f) => [...f.chunks()]));
  return { art, modelJson, weightData };
}

describe('TF.js layers export', () => {
  const cases = [
    ...presetsWithOutput()
      .filter((p) => !SKIP.has(p))
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

  it('LRN is refused, naming the node and TF.js', () => {
    expect(() => tfjsArtifact(randomPlan(coverageProject()).plan, 'x')).toThrow(/^lrn \(LRN\): TF\.js layers have no local response normalisation layer/);
  });

  it('max pooling padded unlike "same" (ZFNet\'s pool1) is refused, naming the node', () => {
    const zf = JSON.parse(readFileSync('resources/presets/zfnet.convas.json', 'utf8'));
    expect(JSON.stringify(zf.graph.nodes.find((n: { id: string }) => n.id === 'pool1').params.padding)).toBe('[1,1]');
    const project = withoutLrn(loadPreset('zfnet.convas.json'));
    const small = { ...project, graph: { ...project.graph, nodes: project.graph.nodes.map((n) => (n.type === 'Input' ? { ...n, params: { shape: [3, 64, 64] } } : n)) } };
    // a smaller input keeps the weights small; the refusal is about pool1's padding alone
    expect(() => tfjsArtifact(randomPlan(small).plan, 'x')).toThrow(/pool1 \(MaxPool2D\): padding \[1,1\] places the window differently from TF\.js's "same"/);
  });
});
