/** The app's weights (saved into the project, or exported) carry the run's preprocessing record, class names included, in both forms. */
import { describe, expect, it } from 'vitest';
import type { Preprocessing } from '../../src/engine/data/preprocessing';
import type { Graph } from '../../src/engine/graph/types';
import { joinChunks } from '../../src/engine/io/bytes';
import { parseWeightsFile } from '../../src/engine/io/weights';
import { encodeWeightsFile } from '../../src/engine/io/weights-encode';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights } from '../../src/engine/train/weights';
import { readWeightsFor, weightsExportFor, weightsFileFor } from '../../src/renderer/training/weights-io';

const graph: Graph = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 2, 2] } },
    { id: 'flat', type: 'Flatten', params: {} },
    { id: 'fc', type: 'Dense', params: { units: 2 } },
  ],
  edges: [
    { from: 'input', to: 'flat', port: 0 },
    { from: 'flat', to: 'fc', port: 0 },
  ],
};
const record: Preprocessing = { layout: 'NCHW', inputShape: [1, 2, 2], inputUnits: 'pixel values in [0, 1]', normalize: 'standardize', mean: [0.25], std: [0.5], classes: ['cat', 'dog'] };

describe('app weights: preprocessing', () => {
  const report = inferShapes(graph);
  const weights = initWeights(report, 'xavier', 2);

  it('is in the file the project embeds', () => {
    expect(parseWeightsFile(JSON.parse(JSON.stringify(weightsFileFor(graph, weights, {}, record)))).preprocessing).toEqual(record);
  });

  it('survives export and import as JSON and as binary', () => {
    const small = weightsExportFor('net', graph, weights, {}, record);
    expect(readWeightsFor(report, small.suggestedName, small.content).json.preprocessing).toEqual(record);
    const binary = joinChunks(encodeWeightsFile(report, weights, { graph, preprocessing: record }, 'binary'));
    expect(readWeightsFor(report, 'net.safetensors', binary).json.preprocessing).toEqual(record);
  });
});
