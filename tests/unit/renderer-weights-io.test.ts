/**
 * The app's weights export and import: the export picks JSON while the model fits it and binary
 * .safetensors beyond; the import reads both forms (text or bytes) and says when weights are too
 * large to keep in a project.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { parseWeightsFile } from '../../src/engine/io/weights';
import { joinChunks } from '../../src/engine/io/bytes';
import { isWeightsBinary } from '../../src/engine/io/weights-binary';
import { encodeWeightsFile } from '../../src/engine/io/weights-encode';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights } from '../../src/engine/train/weights';
import { readWeightsFor, weightsExportFor, weightsFileFor } from '../../src/renderer/training/weights-io';

const net = (inputs: number, units: number): Graph => ({
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [inputs] } },
    { id: 'fc', type: 'Dense', params: { units } },
  ],
  edges: [{ from: 'input', to: 'fc', port: 0 }],
});
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('weights export and import in the app', () => {
  const graph = net(20, 3);
  const report = inferShapes(graph);
  const weights = initWeights(report, 'xavier', 1);

  it('exports a small model as weights JSON and imports it back, from text or bytes', () => {
    const out = weightsExportFor('net', graph, weights, { acc: 1 });
    expect(out.suggestedName).toBe('net.weights.json');
    expect(out.filter.extensions).toEqual(['json']);
    const text = new TextDecoder().decode(out.content);
    expect(JSON.parse(text).version).toBe(1);
    for (const content of [text, out.content]) {
      const { json, tensors } = readWeightsFor(report, 'net.weights.json', content);
      expect(json.metrics).toEqual({ acc: 1 });
      expect(bits(tensors['fc.weight'])).toEqual(bits(weights['fc.weight']));
    }
  });

  it('imports binary weights, converted to the JSON a project embeds', () => {
    const bytes = joinChunks(encodeWeightsFile(report, weights, { graph, metrics: { acc: 1 } }, 'binary'));
    const { json, tensors } = readWeightsFor(report, 'net.safetensors', bytes);
    expect(json.version).toBe(1);
    expect(json.graph).toEqual(graph);
    expect(bits(parseWeightsFile(JSON.parse(JSON.stringify(json))).tensors['fc.bias'].data)).toEqual(bits(weights['fc.bias']));
    expect(bits(tensors['fc.weight'])).toEqual(bits(weights['fc.weight']));
    expect(() => readWeightsFor(report, 'net.safetensors', bytes.subarray(0, bytes.length - 4))).toThrow(/^net\.safetensors: truncated/);
  });

  it('exports a model beyond JSON as binary .safetensors, and says it is too large to keep in a project', () => {
    // 4097 × 4096 + 4096 = 16,785,408 weights: just past what weights JSON holds
    const big = net(4097, 4096);
    const bigReport = inferShapes(big);
    const w = { 'fc.weight': new Float32Array(4096 * 4097).fill(0.25), 'fc.bias': new Float32Array(4096).fill(-1) };
    const out = weightsExportFor('big', big, w, {});
    expect(out.suggestedName).toBe('big.safetensors');
    expect(out.filter.extensions).toEqual(['safetensors']);
    expect(isWeightsBinary(out.content)).toBe(true);
    expect(out.content.length).toBeGreaterThan(4 * 16_785_408);
    expect(() => readWeightsFor(bigReport, 'big.safetensors', out.content)).toThrow(
      /^big\.safetensors: 16,785,408 weights are more than a project file can keep \(3,000,000\); export them instead/,
    );
    expect(() => weightsFileFor(big, w, {})).toThrow(/^the trained weights: 16,785,408 weights are more than a project file can keep/);
  });

  it('refuses to keep more than 3,000,000 values in a project (at most 48 MB of JSON, within its 64 MB)', () => {
    const over = net(3000, 1000); // 3,001,000 weights
    expect(() => weightsFileFor(over, initWeights(inferShapes(over), 'zeros', 2), {})).toThrow(/^the trained weights: 3,001,000 weights are more than a project file can keep \(3,000,000\)/);
  });
});
