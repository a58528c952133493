/**
 * The seed's MNIST CNN (table 18-5) through shape inference: every shape and parameter count as
 * the book prints them; and the errors a user meets while building a graph, each naming the
 * node and the field.
 */
import { describe, expect, it } from 'vitest';
import { GraphError } from '../../src/engine/graph/errors';
import type { Graph, GraphNode } from '../../src/engine/graph/types';
import { inferShapes } from '../../src/engine/shapes/inferShapes';

type Spec = [id: string, type: string, params?: Record<string, unknown>];

/** A straight chain: each node feeds the next. */
function chain(specs: Spec[]): Graph {
  const nodes: GraphNode[] = specs.map(([id, type, params]) => ({ id, type, params: params ?? {} }));
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id, port: 0 }));
  return { nodes, edges };
}

const MNIST_CNN: Spec[] = [
  ['input', 'Input', { shape: [1, 28, 28] }],
  ['conv1', 'Conv2D', { filters: 8, kernelSize: [5, 5], stride: [1, 1] }],
  ['relu1', 'ReLU'],
  ['pool1', 'MaxPool2D', { poolSize: [2, 2], stride: [2, 2] }],
  ['conv2', 'Conv2D', { filters: 16, kernelSize: [5, 5], stride: [1, 1] }],
  ['relu2', 'ReLU'],
  ['pool2', 'MaxPool2D', { poolSize: [2, 2], stride: [2, 2] }],
  ['flatten', 'Flatten'],
  ['fc1', 'Dense', { units: 32 }],
  ['bn1', 'BatchNorm'],
  ['relu3', 'ReLU'],
  ['fc2', 'Dense', { units: 10 }],
  ['softmax', 'Softmax'],
];

describe('seed table 18-5: the MNIST CNN', () => {
  const report = inferShapes(chain(MNIST_CNN));

  it('is valid', () => {
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('reproduces every output shape', () => {
    const shapes = Object.fromEntries(report.nodes.map((n) => [n.id, n.outputShape?.join('×')]));
    expect(shapes).toEqual({
      input: '1×28×28',
      conv1: '8×24×24',
      relu1: '8×24×24',
      pool1: '8×12×12',
      conv2: '16×8×8',
      relu2: '16×8×8',
      pool2: '16×4×4',
      flatten: '256',
      fc1: '32',
      bn1: '32',
      relu3: '32',
      fc2: '10',
      softmax: '10',
    });
  });

  it('reproduces the parameter counts (200+8, 400·8+16, 8192+32, BatchNorm γ and β, 320+10)', () => {
    const counts = Object.fromEntries(report.nodes.filter((n) => n.paramCount > 0).map((n) => [n.id, n.paramCount]));
    expect(counts).toEqual({ conv1: 208, conv2: 3216, fc1: 8224, bn1: 64, fc2: 330 });
    expect(report.totals.params).toBe(208 + 3216 + 8224 + 64 + 330);
  });

  it('gives PyTorch tensor layouts', () => {
    expect(report.byId.get('conv2')!.paramShapes).toEqual({ weight: [16, 8, 5, 5], bias: [16] });
    expect(report.byId.get('fc1')!.paramShapes).toEqual({ weight: [32, 256], bias: [32] });
    expect(report.byId.get('bn1')!.stateShapes).toEqual({ running_mean: [32], running_var: [32] });
  });

  it('counts a convolution\'s FLOPs as 2 per multiply-add plus the bias', () => {
    // conv1: 8×24×24 outputs, each 1·5·5 multiply-adds and one bias add.
    expect(report.byId.get('conv1')!.flops).toBe(8 * 24 * 24 * (2 * 25 + 1));
  });
});

/** The one error of a node, which must be a GraphError naming it. */
function errorOf(graph: Graph, node: string): GraphError {
  const r = inferShapes(graph);
  expect(r.ok).toBe(false);
  const e = r.byId.get(node)?.error;
  expect(e, `no error on ${node}; errors: ${JSON.stringify(r.errors)}`).toBeInstanceOf(GraphError);
  expect(e!.node).toBe(node);
  expect(r.errors.some((x) => x.node === node && x.message === e!.message)).toBe(true);
  return e!;
}

describe('errors name the node and the field', () => {
  it('a kernel larger than its input', () => {
    const g = chain([
      ['input', 'Input', { shape: [1, 5, 5] }],
      ['conv1', 'Conv2D', { filters: 4, kernelSize: 3 }],
      ['conv2', 'Conv2D', { filters: 4, kernelSize: [5, 5] }],
    ]);
    const e = errorOf(g, 'conv2');
    expect(e.message).toBe('conv2: kernel 5×5 does not fit input 3×3 (padding 0): use padding "same" or a kernel of at most 3×3');
    expect(e.field).toBe('kernelSize');
  });

  it('Add with inputs of different shapes', () => {
    const g: Graph = {
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [3, 28, 28] } },
        { id: 'a', type: 'Conv2D', params: { filters: 64, kernelSize: 3, padding: 'same' } },
        { id: 'b', type: 'Conv2D', params: { filters: 32, kernelSize: 3, padding: 'same' } },
        { id: 'add1', type: 'Add', params: {} },
      ],
      edges: [
        { from: 'input', to: 'a', port: 0 },
        { from: 'input', to: 'b', port: 0 },
        { from: 'a', to: 'add1', port: 0 },
        { from: 'b', to: 'add1', port: 1 },
      ],
    };
    expect(errorOf(g, 'add1').message).toBe('add1: inputs differ: 64×28×28 vs 32×28×28');
  });

  it('a cycle', () => {
    const g = chain([
      ['input', 'Input', { shape: [4] }],
      ['d1', 'Dense', { units: 4 }],
      ['d2', 'Dense', { units: 4 }],
    ]);
    // d2 → d1 closes a loop; d1 then has two inputs on different ports.
    g.edges.push({ from: 'd2', to: 'd1', port: 1 });
    const r = inferShapes(g);
    expect(r.ok).toBe(false);
    expect(r.errors[0].message).toMatch(/cycle through d1, d2/);
    const e = r.byId.get('d1')!.error!;
    expect(e).toBeInstanceOf(GraphError);
    expect(e.field).toBe('edges');
  });

  it('an unknown layer type', () => {
    const e = errorOf(chain([['input', 'Input', { shape: [4] }], ['x', 'Conv3D']]), 'x');
    expect(e.message).toBe('x: unknown layer type "Conv3D"');
    expect(e.field).toBe('type');
  });

  it('a missing input connection', () => {
    const g: Graph = { nodes: [{ id: 'input', type: 'Input', params: { shape: [4] } }, { id: 'fc', type: 'Dense', params: { units: 2 } }], edges: [] };
    const e = errorOf(g, 'fc');
    expect(e.message).toBe('fc: input is not connected');
    expect(e.field).toBe('port');
  });

  it('a merge with a gap in its ports', () => {
    const g = chain([['input', 'Input', { shape: [4] }], ['add1', 'Add']]);
    g.edges[0].port = 1;
    const e = errorOf(g, 'add1');
    expect(e.message).toMatch(/^add1: input port 0 is not connected/);
    expect(e.field).toBe('port');
  });

  it('a negative stride', () => {
    const e = errorOf(chain([['input', 'Input', { shape: [1, 8, 8] }], ['conv1', 'Conv2D', { filters: 2, kernelSize: 3, stride: [-1, 1] }]]), 'conv1');
    expect(e.message).toBe('conv1: stride[0] must be ≥ 1, got -1');
    expect(e.field).toBe('stride');
  });

  it('zero filters', () => {
    const e = errorOf(chain([['input', 'Input', { shape: [1, 8, 8] }], ['conv1', 'Conv2D', { filters: 0, kernelSize: 3 }]]), 'conv1');
    expect(e.message).toBe('conv1: filters must be ≥ 1, got 0');
    expect(e.field).toBe('filters');
  });

  it('NaN parameters', () => {
    const e = errorOf(chain([['input', 'Input', { shape: [6] }], ['fc', 'Dense', { units: NaN }]]), 'fc');
    expect(e.message).toBe('fc: units must be a whole number, got NaN');
    expect(e.field).toBe('units');
    const bn = errorOf(chain([['input', 'Input', { shape: [6] }], ['bn', 'BatchNorm', { epsilon: NaN }]]), 'bn');
    expect(bn.message).toBe('bn: epsilon must be a finite number, got NaN');
    expect(bn.field).toBe('epsilon');
  });

  it('a layer after the output layer', () => {
    const e = errorOf(chain([['input', 'Input', { shape: [6] }], ['sm', 'Softmax'], ['fc', 'Dense', { units: 2 }]]), 'fc');
    expect(e.message).toMatch(/^fc: sm is an output layer/);
  });

  it('an error upstream leaves downstream nodes blocked, not wrongly reported', () => {
    const r = inferShapes(chain([['input', 'Input', { shape: [1, 4, 4] }], ['conv1', 'Conv2D', { filters: 2, kernelSize: 7 }], ['relu', 'ReLU']]));
    expect(r.errors.map((e) => e.node)).toEqual(['conv1']);
    expect(r.byId.get('relu')!.blockedBy).toBe('conv1');
  });
});
