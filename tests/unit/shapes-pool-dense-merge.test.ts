/**
 * Shape rules of the pooling, Dense and merge layers, through inferShapes as the canvas and the
 * CLI see them: output shapes, PyTorch parameter layouts, FLOPs, and the error each bad
 * configuration gets (node, field and the numbers).
 */
import { describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from '../../src/engine/graph/types';
import { inferShapes, type NodeShapeInfo } from '../../src/engine/shapes/inferShapes';

/** A chain Input → nodes[0] → nodes[1] → …; returns the report entry of every node by id. */
function chain(inShape: number[], ...nodes: [string, string, Record<string, unknown>][]): Map<string, NodeShapeInfo> {
  const graph: Graph = {
    nodes: [{ id: 'in', type: 'Input', params: { shape: inShape } }, ...nodes.map(([id, type, params]): GraphNode => ({ id, type, params }))],
    edges: nodes.map(([id], k) => ({ from: k === 0 ? 'in' : nodes[k - 1][0], to: id, port: 0 })),
  };
  return inferShapes(graph).byId;
}

/** Several Inputs (one per shape) merged by one node `id` of `type`. */
function merge(type: string, shapes: number[][], id = 'merge1'): NodeShapeInfo {
  const graph: Graph = {
    nodes: [...shapes.map((s, k): GraphNode => ({ id: `in${k}`, type: 'Input', params: { shape: s } })), { id, type, params: {} }],
    edges: shapes.map((_, k) => ({ from: `in${k}`, to: id, port: k })),
  };
  return inferShapes(graph).byId.get(id)!;
}

function one(inShape: number[], type: string, params: Record<string, unknown>, id = 'n1'): NodeShapeInfo {
  return chain(inShape, [id, type, params]).get(id)!;
}

describe('MaxPool2D / AvgPool2D shapes', () => {
  // [input, params, output]; the rule is PyTorch's floor((in + 2p − k) / s) + 1, or ⌈in / s⌉ for same
  const grid: [number[], Record<string, unknown>, number[]][] = [
    [[16, 28, 28], { poolSize: [2, 2] }, [16, 14, 14]],
    [[16, 27, 27], { poolSize: 2 }, [16, 13, 13]],
    [[3, 7, 9], { poolSize: [3, 3], stride: [2, 2] }, [3, 3, 4]],
    [[3, 7, 9], { poolSize: [3, 3], stride: 3, padding: [1, 1] }, [3, 3, 3]],
    [[3, 7, 9], { poolSize: [2, 2], padding: 'same' }, [3, 4, 5]],
    [[1, 5, 5], { poolSize: [3, 3], stride: [1, 1], padding: 'same' }, [1, 5, 5]],
    [[2, 6, 7], { poolSize: [2, 3], stride: [1, 2], padding: [1, 0] }, [2, 7, 3]],
    [[8, 13, 13], { poolSize: [3, 3], stride: [2, 2] }, [8, 6, 6]],
    [[4, 3, 3], { poolSize: [3, 3] }, [4, 1, 1]],
  ];
  for (const type of ['MaxPool2D', 'AvgPool2D']) {
    for (const [inShape, params, out] of grid) {
      it(`${type} ${JSON.stringify(params)} on ${inShape.join('×')} → ${out.join('×')}`, () => {
        const n = one(inShape, type, params);
        expect(n.error).toBeNull();
        expect(n.outputShape).toEqual(out);
        expect(n.paramShapes).toEqual({});
        expect(n.paramCount).toBe(0);
        const [kh, kw] = typeof params.poolSize === 'number' ? [params.poolSize, params.poolSize] : (params.poolSize as number[]);
        expect(n.flops).toBe(out[0] * out[1] * out[2] * kh * kw);
      });
    }
  }

  it('stride defaults to the pool size, and the summary says so', () => {
    const n = one([1, 12, 12], 'MaxPool2D', { poolSize: [3, 2] });
    expect(n.params!.stride).toBeNull();
    expect(n.outputShape).toEqual([1, 4, 6]);
    expect(n.spec!.summary(n.params)).toBe('3×2, s3×2');
    expect(one([1, 12, 12], 'AvgPool2D', { poolSize: 2, stride: 1, padding: 'same' }).spec!.summary({ poolSize: [2, 2], stride: [1, 1], padding: 'same' })).toBe('2×2, s1, same');
  });

  it('a pool larger than the input names poolSize and both sizes', () => {
    const n = one([8, 3, 3], 'MaxPool2D', { poolSize: [5, 5] }, 'pool1');
    expect(n.outputShape).toBeNull();
    expect(n.error?.message).toBe('pool1: pool 5×5 does not fit input 3×3 (padding 0): use padding "same" or a pool of at most 3×3');
    expect(n.error?.field).toBe('poolSize');
    // padding can make it fit
    expect(one([8, 3, 3], 'AvgPool2D', { poolSize: [4, 4], stride: 1, padding: [2, 2] }).outputShape).toEqual([8, 4, 4]);
  });

  it('padding over half the window is refused (a window of padding only has no maximum)', () => {
    const n = one([1, 8, 8], 'MaxPool2D', { poolSize: [3, 3], padding: [2, 1] }, 'pool1');
    expect(n.error?.message).toBe('pool1: padding 2×1 is more than half the pool size 3×3: a window could hold only padding');
    expect(n.error?.field).toBe('padding');
    expect(one([1, 8, 8], 'AvgPool2D', { poolSize: [2, 2], padding: [1, 1] }).error).toBeNull();
  });

  it('bad parameters name the field and the value', () => {
    expect(one([1, 8, 8], 'MaxPool2D', {}, 'p').error?.message).toBe('p: poolSize is required');
    expect(one([1, 8, 8], 'MaxPool2D', { poolSize: [0, 2] }, 'p').error?.message).toBe('p: poolSize[0] must be ≥ 1, got 0');
    expect(one([1, 8, 8], 'AvgPool2D', { poolSize: 2, stride: [2, 1.5] }, 'p').error?.message).toBe('p: stride[1] must be a whole number, got 1.5');
    expect(one([1, 8, 8], 'AvgPool2D', { poolSize: 2, padding: 'full' }, 'p').error?.field).toBe('padding');
  });

  it('pooling a vector asks for an image', () => {
    expect(one([10], 'MaxPool2D', { poolSize: 2 }, 'p').error?.message).toBe('p: MaxPool2D needs an image input C×H×W, got a vector of 10');
    expect(one([10], 'GlobalAvgPool', {}, 'g').error?.message).toBe('g: GlobalAvgPool needs an image input C×H×W, got a vector of 10');
  });
});

describe('GlobalAvgPool and Flatten shapes', () => {
  it('GlobalAvgPool: C×H×W → [C], one add per input value', () => {
    const n = one([64, 7, 5], 'GlobalAvgPool', {});
    expect(n.outputShape).toEqual([64]);
    expect(n.paramCount).toBe(0);
    expect(n.flops).toBe(64 * 7 * 5);
  });

  it('Flatten: C×H×W → [C·H·W]; a vector stays as it is; no FLOPs', () => {
    expect(one([16, 4, 4], 'Flatten', {}).outputShape).toEqual([256]);
    expect(one([10], 'Flatten', {}).outputShape).toEqual([10]);
    expect(one([16, 4, 4], 'Flatten', {}).flops).toBe(0);
  });
});

describe('Dense shapes', () => {
  it('weight [units, in] and bias [units] as PyTorch Linear; a multiply-add counts 2', () => {
    const nodes = chain([16, 4, 4], ['flat1', 'Flatten', {}], ['dense1', 'Dense', { units: 10 }]);
    const d = nodes.get('dense1')!;
    expect(d.error).toBeNull();
    expect(d.outputShape).toEqual([10]);
    expect(d.paramShapes).toEqual({ weight: [10, 256], bias: [10] });
    expect(d.paramCount).toBe(10 * 256 + 10);
    expect(d.flops).toBe(2 * 256 * 10 + 10);
  });

  it('without bias: weight only', () => {
    const d = one([7], 'Dense', { units: 3, useBias: false });
    expect(d.paramShapes).toEqual({ weight: [3, 7] });
    expect(d.flops).toBe(2 * 7 * 3);
  });

  it('after an image: says to add a Flatten', () => {
    const d = one([16, 4, 4], 'Dense', { units: 10 }, 'dense1');
    expect(d.outputShape).toBeNull();
    expect(d.error?.message).toBe('dense1: Dense needs a vector input, got 16×4×4: add a Flatten before it');
  });

  it('units must be a whole number ≥ 1', () => {
    expect(one([7], 'Dense', { units: 0 }, 'd').error?.message).toBe('d: units must be ≥ 1, got 0');
    expect(one([7], 'Dense', {}, 'd').error?.message).toBe('d: units is required');
    expect(one([7], 'Dense', { units: 4, useBias: 'yes' }, 'd').error?.field).toBe('useBias');
  });
});

describe('Add shapes', () => {
  it('equal shapes: that shape, (k − 1) adds per element', () => {
    const n = merge('Add', [[32, 28, 28], [32, 28, 28], [32, 28, 28]]);
    expect(n.error).toBeNull();
    expect(n.outputShape).toEqual([32, 28, 28]);
    expect(n.flops).toBe(2 * 32 * 28 * 28);
  });

  it('different shapes: both named, node prefixed', () => {
    const n = merge('Add', [[64, 28, 28], [32, 28, 28]], 'add1');
    expect(n.outputShape).toBeNull();
    expect(n.error?.message).toBe('add1: inputs differ: 64×28×28 vs 32×28×28');
    expect(merge('Add', [[10], [10], [12]], 'add1').error?.message).toBe('add1: inputs differ: 10 vs 12');
  });

  it('needs at least two inputs and takes at most eight', () => {
    expect(merge('Add', [[4]], 'add1').error?.message).toMatch(/^add1: needs at least 2 inputs, got 1/);
    expect(merge('Add', Array.from({ length: 9 }, () => [4]), 'add1').error?.message).toMatch(/^add1: Add takes at most 8 inputs, got 9/);
  });
});

describe('Concat shapes', () => {
  it('joins channels; H and W carry over', () => {
    const n = merge('Concat', [[16, 28, 28], [8, 28, 28], [4, 28, 28]]);
    expect(n.error).toBeNull();
    expect(n.outputShape).toEqual([28, 28, 28]);
    expect(n.flops).toBe(0);
    expect(n.paramCount).toBe(0);
  });

  it('joins vectors feature after feature', () => {
    expect(merge('Concat', [[10], [6]]).outputShape).toEqual([16]);
  });

  it('mismatched H×W: both shapes named', () => {
    const n = merge('Concat', [[16, 28, 28], [8, 14, 14]], 'cat1');
    expect(n.outputShape).toBeNull();
    expect(n.error?.message).toBe('cat1: inputs differ in height×width: 16×28×28 vs 8×14×14 (only channels may differ)');
    expect(merge('Concat', [[16, 28, 28], [8, 28, 27]], 'cat1').error?.message).toBe('cat1: inputs differ in height×width: 16×28×28 vs 8×28×27 (only channels may differ)');
  });

  it('an image and a vector: says to flatten', () => {
    expect(merge('Concat', [[16, 4, 4], [10]], 'cat1').error?.message).toBe('cat1: inputs differ in rank: cannot concatenate 16×4×4 with 10 (add a Flatten to the image)');
  });
});
