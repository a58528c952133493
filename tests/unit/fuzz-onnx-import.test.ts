/**
 * The ONNX import on damaged models: named damage (truncated, wrong types, missing initializers,
 * cycles, huge dims, unknown ops) gives an OnnxImportError naming the node or field; hundreds of
 * seeded mutations — of the bytes and of the decoded messages — either import into a graph that
 * checks, or are refused with a FormatError, never another exception.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { joinChunks } from '../../src/engine/io/bytes';
import { FormatError } from '../../src/engine/io/errors';
import { onnxChunks } from '../../src/engine/io/export/onnx';
import { onnx } from '../../src/engine/io/export/onnx-proto';
import { exportPlan } from '../../src/engine/io/export/plan';
import { importOnnx } from '../../src/engine/io/import/onnx-import';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights, tensorSlots } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { mutate, pick } from './fuzz-mutate';

const graph: Graph = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 6, 6] } },
    { id: 'conv1', type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3], padding: 'same' } },
    { id: 'bn', type: 'BatchNorm', params: {} },
    { id: 'relu', type: 'ReLU', params: {} },
    { id: 'pool', type: 'MaxPool2D', params: { poolSize: [2, 2] } },
    { id: 'flat', type: 'Flatten', params: {} },
    { id: 'fc', type: 'Dense', params: { units: 3 } },
    { id: 'softmax', type: 'Softmax', params: {} },
  ],
  edges: ['input', 'conv1', 'bn', 'relu', 'pool', 'flat', 'fc', 'softmax'].slice(1).map((to, i, a) => ({ from: i ? a[i - 1] : 'input', to, port: 0 })),
};
const report = inferShapes(graph);
const weights = initWeights(report, 'msra', 1);
const VALID = joinChunks(onnxChunks(exportPlan(graph, { tensors: Object.fromEntries(tensorSlots(report).map((s) => [s.key, { shape: s.shape, data: weights[s.key] }])) })));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a decoded message, damaged field by field
type Message = Record<string, any>;

/** The model as a plain object (longs as numbers, bytes as arrays) to damage, and back to bytes. */
function decoded(): Message {
  return onnx.ModelProto.toObject(onnx.ModelProto.decode(VALID), { longs: Number, bytes: Array, defaults: false }) as Message;
}
function encode(m: unknown): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(m as Record<string, unknown>)).finish();
}

function refusal(bytes: Uint8Array): FormatError {
  try {
    importOnnx(bytes);
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('the damaged model was imported');
}

describe('ONNX import: named damage', () => {
  it('the undamaged model imports', () => {
    expect(importOnnx(VALID).graph.nodes.map((n) => n.type)).toEqual(graph.nodes.map((n) => n.type));
  });

  it('truncated at every tenth of its length: refused, saying it may be truncated', () => {
    for (let f = 1; f < 10; f++) {
      const e = refusal(VALID.subarray(0, Math.floor((VALID.length * f) / 10)));
      expect(e.message).toMatch(/truncated|reads|no graph|not a readable|has \d+ bytes/);
    }
  });

  it('an empty file, and text', () => {
    expect(refusal(new Uint8Array()).message).toBe('the file is empty, not an ONNX model');
    expect(refusal(new TextEncoder().encode('{"format": "convas-project"}')).message).toMatch(/not a readable ONNX model|no graph/);
  });

  it('a missing initializer names the node and the value it reads', () => {
    const m = decoded();
    m.graph.initializer = m.graph.initializer.filter((t: { name: string }) => t.name !== 'fc.weight');
    expect(refusal(encode(m)).message).toBe('node fc (Gemm) reads "fc.weight", which no node, initializer or graph input produces');
  });

  it('a cycle names the nodes in it', () => {
    const m = decoded();
    const relu = m.graph.node.find((n: { opType: string }) => n.opType === 'Relu');
    relu.input = ['fc'];
    const e = refusal(encode(m));
    expect(e.message).toMatch(/^the graph has a cycle through relu, pool, flat, fc/);
  });

  it('an unknown op is listed with its name and inputs', () => {
    const m = decoded();
    m.graph.node.find((n: { opType: string }) => n.opType === 'Relu').opType = 'Swish';
    const e = refusal(encode(m));
    expect(e.message).toContain('relu (Swish; inputs "bn"): ONNX Swish has no Convas layer');
    expect(e.node).toBe('relu');
  });

  it('wrong types: a string initializer, a float attribute where integers belong, a float64 input', () => {
    let m = decoded();
    m.graph.initializer.find((t: { name: string }) => t.name === 'conv1.bias').dataType = onnx.TensorProto.DataType.STRING;
    expect(refusal(encode(m)).message).toBe('initializer "conv1.bias": data type STRING is not supported (float32, float64 or integers)');
    m = decoded();
    const conv = m.graph.node.find((n: { opType: string }) => n.opType === 'Conv');
    conv.attribute.find((a: { name: string }) => a.name === 'strides').type = onnx.AttributeProto.AttributeType.FLOAT;
    conv.attribute.find((a: { name: string }) => a.name === 'strides').f = 1.5;
    expect(refusal(encode(m)).message).toContain('conv1 (Conv; inputs "input", "conv1.weight", "conv1.bias"): attribute strides must be a list of integers');
    m = decoded();
    m.graph.input[0].type.tensorType.elemType = onnx.TensorProto.DataType.DOUBLE;
    expect(refusal(encode(m)).message).toBe('graph.input "input": element type 11 is not float32');
  });

  it('huge dims: an input side, an initializer of 10^18 values, raw data shorter than its dims', () => {
    let m = decoded();
    m.graph.input[0].type.tensorType.shape.dim[2] = { dimValue: 1e12 };
    expect(refusal(encode(m)).message).toBe('graph.input "input": dimension 2 is 1000000000000; it must be between 1 and 1048576');
    m = decoded();
    m.graph.initializer.find((t: { name: string }) => t.name === 'fc.weight').dims = [1e6, 1e6, 1e6];
    expect(refusal(encode(m)).message).toBe('initializer "fc.weight": dims 1000000×1000000×1000000 make 1.00e+18 values, more than a tensor can hold (2^31 − 1)');
    m = decoded();
    m.graph.initializer.find((t: { name: string }) => t.name === 'fc.weight').dims = [3, 19];
    expect(refusal(encode(m)).message).toBe('initializer "fc.weight": raw_data has 216 bytes, dims 3×19 need 228');
  });

  it('an opset outside 11–20', () => {
    const m = decoded();
    m.opsetImport = [{ domain: '', version: 9 }];
    expect(refusal(encode(m)).message).toBe('opset 9: Convas imports opsets 11–20 (convert with onnx.version_converter)');
  });
});

describe('ONNX import: seeded mutations', () => {
  function check(bytes: Uint8Array, what: string, tally: { imported: number; refused: number }): void {
    try {
      const r = importOnnx(bytes);
      expect(inferShapes(r.graph).ok, what).toBe(true);
      tally.imported++;
    } catch (e) {
      if (!(e instanceof FormatError)) throw new Error(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      expect(e.message.length, what).toBeGreaterThan(10);
      tally.refused++;
    }
  }

  it('300 damaged byte strings: flipped, cut, spliced', () => {
    const rng = new Rng(12);
    const tally = { imported: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const b = VALID.slice();
      const op = rng.int(3);
      if (op === 0) for (let k = 0; k < 1 + rng.int(4); k++) b[rng.int(b.length)] = rng.int(256);
      const bytes = op === 1 ? b.subarray(0, rng.int(b.length)) : op === 2 ? joinChunks([b.subarray(0, rng.int(b.length)), b.subarray(rng.int(b.length))]) : b;
      check(bytes, `bytes #${i}`, tally);
    }
    // both outcomes occur (seen: 22 imported, 278 refused), or the damage is not exploring
    expect(tally.refused).toBeGreaterThan(100);
    expect(tally.imported).toBeGreaterThan(5);
  });

  it('300 mutated messages: values, attributes, names and dims changed', () => {
    const rng = new Rng(7);
    const tally = { imported: 0, refused: 0 };
    const base = decoded();
    let encoded = 0;
    for (let i = 0; i < 300; i++) {
      // mutate the graph part most of the time: nodes, attributes, initializer headers, the input
      const m = structuredClone(base);
      const target = pick(rng, ['node', 'node', 'node', 'initializer', 'input', 'output']);
      m.graph[target] = mutate(m.graph[target], rng);
      let bytes: Uint8Array;
      try {
        bytes = encode(m);
      } catch {
        continue; // not expressible as an ONNX message (protobufjs refuses it): nothing to import
      }
      encoded++;
      check(bytes, `message #${i} (${target})`, tally);
    }
    // seen: 213 encoded, 82 imported, 131 refused
    expect(encoded).toBeGreaterThan(150);
    expect(tally.refused).toBeGreaterThan(50);
    expect(tally.imported).toBeGreaterThan(20);
  });
});
