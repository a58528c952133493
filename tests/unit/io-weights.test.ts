/** Weights JSON: reading, matching against a graph (every problem named), writing. */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { FormatError } from '../../src/engine/io/errors';
import { GENERATED_BY } from '../../src/engine/io/header';
import { matchWeights, parseWeightsFile, weightsToJson } from '../../src/engine/io/weights';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights } from '../../src/engine/train/weights';
import { convBnDense } from '../helpers/small-graphs';

const graph: Graph = convBnDense({ side: 12, filters: 16, kernel: 5, units: 3 });
const report = inferShapes(graph);
const weights = initWeights(report, 'xavier', 3);

const file = () => JSON.parse(JSON.stringify(weightsToJson(report, weights)));

function failure(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('weights JSON', () => {
  it('writes PyTorch names and layouts in graph order, and reads back bit for bit', () => {
    const json = weightsToJson(report, weights, { graph, metrics: { testAccuracy: 0.5 } });
    expect(json.format).toBe('convas-weights');
    expect(json.version).toBe(1);
    expect(json.generatedBy).toBe(GENERATED_BY);
    expect(Object.keys(json.tensors)).toEqual(['conv1.weight', 'conv1.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'fc.weight', 'fc.bias']);
    expect(json.tensors['conv1.weight'].shape).toEqual([16, 1, 5, 5]);
    expect(json.tensors['fc.weight'].shape).toEqual([3, 16 * 8 * 8]);
    const back = parseWeightsFile(JSON.parse(JSON.stringify(json)));
    expect(back.graph).toEqual(graph);
    expect(back.metrics).toEqual({ testAccuracy: 0.5 });
    const matched = matchWeights(report, back);
    for (const [k, v] of Object.entries(weights)) expect(Array.from(matched[k]), k).toEqual(Array.from(v));
  });

  it('names a tensor whose shape differs, with both shapes', () => {
    const f = file();
    f.tensors['conv1.weight'] = { shape: [8, 1, 5, 5], data: new Array(200).fill(0) };
    const e = failure(() => matchWeights(report, parseWeightsFile(f)));
    expect(e.message).toBe('conv1.weight: file has 8×1×5×5, graph needs 16×1×5×5');
    expect(e.field).toBe('conv1.weight');
  });

  it('names every missing and extra tensor at once', () => {
    const f = file();
    delete f.tensors['bn.running_var'];
    delete f.tensors['fc.bias'];
    f.tensors['conv2.weight'] = { shape: [1], data: [0] };
    const e = failure(() => matchWeights(report, parseWeightsFile(f)));
    expect(e.problems).toEqual([
      'bn.running_var: missing from the file (graph needs 16)',
      'fc.bias: missing from the file (graph needs 3)',
      'conv2.weight: in the file but not used by the graph',
    ]);
    expect(e.message).toMatch(/^3 problems with the weights: bn.running_var: missing/);
  });

  it('names a non-finite value and where it is', () => {
    const f = file();
    f.tensors['fc.weight'].data[17] = null;
    expect(failure(() => parseWeightsFile(f)).message).toBe('fc.weight: data[17] is null, not a finite number');
    const text = JSON.stringify(file()).replace(/("bn.bias":\{"shape":\[16\],"data":\[)0/, '$11e999');
    expect(failure(() => parseWeightsFile(JSON.parse(text))).message).toBe('bn.bias: data[0] is Infinity, not a finite number');
  });

  it.each([
    [{ format: 'convas-weights', version: 2, tensors: {} }, 'convas-weights version 2 is newer than this Convas understands (1)'],
    [{ format: 'convas-project', version: 1 }, 'this is a convas-project file, not a convas-weights file'],
    [{ format: 'convas-weights', version: 1 }, 'tensors: is required'],
    [{ format: 'convas-weights', version: 1, tensors: { conv1: { shape: [1], data: [0] } } }, 'tensors: key "conv1" must be "<nodeId>.<name>", e.g. "conv1.weight"'],
    [{ format: 'convas-weights', version: 1, tensors: { 'a.b': [0] } }, 'a.b: expected { "shape": [...], "data": [...] }, got [0]'],
    [{ format: 'convas-weights', version: 1, tensors: { 'a.b': { shape: [2], data: [0] } } }, 'a.b: data has 1 values, the shape needs 2'],
    [{ format: 'convas-weights', version: 1, tensors: { 'a.b': { shape: [1], data: [0], dtype: 'float32' } } }, 'a.b: unknown field "dtype"'],
    [{ format: 'convas-weights', version: 1, tensors: {}, graph: { nodes: 'x' } }, 'graph.nodes must be an array'],
    [{ format: 'convas-weights', version: 1, tensors: {}, extra: 1 }, 'unknown field "extra"'],
  ])('refuses %j', (raw, message) => {
    expect(failure(() => parseWeightsFile(raw)).message).toBe(message);
  });

  it('sees a "__proto__" tensor key instead of losing it', () => {
    const text = '{"format":"convas-weights","version":1,"tensors":{"__proto__":{"shape":[1],"data":[1]}}}';
    expect(failure(() => parseWeightsFile(JSON.parse(text))).message).toBe('tensors: key "__proto__" must be "<nodeId>.<name>", e.g. "conv1.weight"');
  });

  it('refuses to check against a graph with errors', () => {
    const broken = inferShapes({ nodes: [{ id: 'x', type: 'Nope', params: {} }], edges: [] });
    expect(failure(() => matchWeights(broken, { tensors: {} })).message).toMatch(/^cannot check weights against a graph with errors: x: unknown layer type "Nope"/);
  });

  it('refuses to write a map that does not fit the graph, or holds NaN', () => {
    const short = { ...weights, 'fc.bias': new Float32Array(2) };
    expect(failure(() => weightsToJson(report, short)).message).toBe('fc.bias: has 2 values, graph needs 3 = 3');
    const { 'bn.bias': _drop, ...missing } = weights;
    expect(failure(() => weightsToJson(report, missing)).message).toBe('bn.bias: missing (graph needs 16)');
    const nan = { ...weights, 'fc.bias': Float32Array.from([0, NaN, 0]) };
    expect(failure(() => weightsToJson(report, nan)).message).toBe('fc.bias: data[1] is NaN; JSON can only store finite numbers');
  });
});
