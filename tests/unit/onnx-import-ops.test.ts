/**
 * The ONNX op table one mapping at a time, on models built here with onnx-proto: what maps to
 * which Convas layer and parameters, and what is refused with which reason (grouped or dilated
 * convolution, asymmetric padding, count_include_pad 0 with padding, an even LRN, a broadcasting
 * Add); ceil_mode pooling as "same"; ids from ONNX names; --partial's stop.
 */
import { describe, expect, it } from 'vitest';
import { OnnxGraph, type AttrValue } from '../../src/engine/io/export/onnx-graph';
import { onnx } from '../../src/engine/io/export/onnx-proto';
import { importOnnx } from '../../src/engine/io/import/onnx-import';
import { IdMaker } from '../../src/engine/io/import/ids';

type Op = [opType: string, inputs: string[], output: string, attrs?: Record<string, AttrValue>];

/** A float32 model: input `x` [N, ...dims], the ops in order, float initializers of these shapes (values 0–0.6) and int64 ones of these values; output = the last op's. */
function model(dims: number[], ops: Op[], inits: Record<string, number[]> = {}, opset = 13, ints: Record<string, number[]> = {}): Uint8Array {
  const g = new OnnxGraph();
  g.fresh('x');
  let out = 'x';
  for (const [opType, inputs, output, attrs] of ops) out = g.op(opType, inputs, output, attrs ?? {});
  const info = (name: string, d: (number | string)[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: d.map((v) => (typeof v === 'string' ? { dimParam: v } : { dimValue: v })) } } } });
  const initializer = [
    ...Object.entries(inits).map(([name, shape]) => ({ name, dims: shape, dataType: 1, floatData: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 7) / 10) })),
    ...Object.entries(ints).map(([name, data]) => ({ name, dims: [data.length], dataType: 7, int64Data: data })),
  ];
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 't', node: g.nodes, initializer, input: [info('x', ['N', ...dims])], output: [info(out, ['N'])] },
  }).finish();
}

const conv = (attrs: Record<string, AttrValue>, w = 'w'): Op => ['Conv', ['x', w], 'conv', attrs];
const refused = (bytes: Uint8Array) => {
  try {
    importOnnx(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('imported');
};

describe('ONNX op table', () => {
  it('Conv: pads, strides and bias as Convas parameters', () => {
    const r = importOnnx(model([3, 9, 9], [['Conv', ['x', 'w', 'b'], 'c1', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }]], { w: [4, 3, 3, 3], b: [4] }));
    expect(r.graph.nodes[1]).toEqual({ id: 'c1', type: 'Conv2D', params: { filters: 4, kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], useBias: true } });
    expect(r.weights['c1.weight']).toHaveLength(108);
    expect(r.report.byId.get('c1')!.outputShape).toEqual([4, 5, 5]);
  });

  it('Conv: asymmetric "same" pads and SAME_UPPER become "same"; other asymmetric pads are refused', () => {
    const same = importOnnx(model([1, 8, 8], [conv({ kernel_shape: [2, 2], pads: [0, 0, 1, 1] })], { w: [2, 1, 2, 2] }));
    expect(same.graph.nodes[1].params.padding).toBe('same');
    const upper = importOnnx(model([1, 8, 8], [conv({ kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' })], { w: [2, 1, 3, 3] }));
    expect(upper.graph.nodes[1].params.padding).toBe('same');
    expect(refused(model([1, 8, 8], [conv({ kernel_shape: [3, 3], pads: [2, 0, 0, 0] })], { w: [2, 1, 3, 3] }))).toContain(
      'conv (Conv; inputs "x", "w"): pads 2,0,0,0 [top, left, bottom, right] on 8×8 are neither symmetric nor "same"',
    );
  });

  it('Conv: grouped and dilated convolutions are refused with the reason', () => {
    expect(refused(model([4, 8, 8], [conv({ group: 2 })], { w: [4, 2, 3, 3] }))).toContain('group 2: Convas\'s Conv2D has no grouped or depthwise convolution');
    expect(refused(model([1, 8, 8], [conv({ dilations: [2, 2] })], { w: [2, 1, 3, 3] }))).toContain('dilations 2,2: Convas has no dilated windows');
  });

  it('MaxPool with ceil_mode maps to "same" where the windows agree; AveragePool with count_include_pad 0 and padding is refused', () => {
    const r = importOnnx(model([2, 112, 112], [['MaxPool', ['x'], 'pool', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }]]));
    expect(r.graph.nodes[1].params).toEqual({ poolSize: [3, 3], stride: [2, 2], padding: 'same' });
    expect(r.report.byId.get('pool')!.outputShape).toEqual([2, 56, 56]);
    expect(refused(model([2, 8, 8], [['AveragePool', ['x'], 'avg', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }]]))).toContain('count_include_pad 0 with padding');
    const avg = importOnnx(model([2, 8, 8], [['AveragePool', ['x'], 'avg', { kernel_shape: [2, 2], strides: [2, 2] }]]));
    expect(avg.graph.nodes[1].params).toEqual({ poolSize: [2, 2], stride: null, padding: 'valid' });
  });

  it('Elu maps to ELU with its alpha (default 1)', () => {
    const r = importOnnx(model([2, 3, 3], [['Elu', ['x'], 'elu', { alpha: { float: 0.5 } }], ['Elu', ['elu'], 'elu2']]));
    expect(r.graph.nodes.slice(1).map((n) => [n.type, n.params])).toEqual([['ELU', { alpha: 0.5 }], ['ELU', { alpha: 1 }]]);
  });

  it('LRN: odd sizes map (alpha, beta, bias → k), even sizes are refused', () => {
    const r = importOnnx(model([6, 4, 4], [['LRN', ['x'], 'lrn', { size: 5, alpha: { float: 2e-4 }, beta: { float: 0.75 }, bias: { float: 2 } }]]));
    expect(r.graph.nodes[1].params).toEqual({ size: 5, alpha: 2e-4, beta: 0.75, k: 2 });
    expect(refused(model([6, 4, 4], [['LRN', ['x'], 'lrn', { size: 4 }]]))).toContain('size 4 is even');
  });

  it('Add broadcasting a constant onto an image is refused; MatMul + Add becomes one Dense with bias', () => {
    expect(refused(model([2, 4, 4], [['Add', ['x', 'c'], 'add']], { c: [2, 1, 1] }))).toContain('adds a constant to a tensor');
    const r = importOnnx(model([6], [['MatMul', ['x', 'w'], 'fc/MatMul'], ['Add', ['fc/MatMul', 'b'], 'fc/Add']], { w: [6, 3], b: [3] }));
    expect(r.graph.nodes.map((n) => [n.id, n.type, n.params.useBias])).toEqual([['x', 'Input', undefined], ['fc', 'Dense', true]]);
    expect(r.mapping[1]).toEqual({ onnx: 'fc/Add', opType: 'Add', convas: [], note: 'merged into fc (its bias)' });
    // ONNX's B is [in, out]; Convas keeps PyTorch's [out, in]
    const b = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0, 0.1, 0.2, 0.3];
    expect([...r.weights['fc.weight']].map((v) => Math.round(v * 10) / 10)).toEqual([0, 1, 2].flatMap((u) => [0, 1, 2, 3, 4, 5].map((k) => b[k * 3 + u])));
  });

  it('ReduceMean over height and width (a Keras global average pooling) is GlobalAvgPool, channels first or last', () => {
    const nchw = importOnnx(model([5, 4, 4], [['ReduceMean', ['x'], 'gap', { axes: [2, 3], keepdims: 0 }], ['Gemm', ['gap', 'w'], 'fc', { transB: 1 }]], { w: [3, 5] }));
    expect(nchw.graph.nodes.map((n) => n.type)).toEqual(['Input', 'GlobalAvgPool', 'Dense']);
    const nhwc = importOnnx(
      model([4, 4, 5], [['Transpose', ['x'], 't', { perm: [0, 3, 1, 2] }], ['Transpose', ['t'], 'back', { perm: [0, 2, 3, 1] }], ['ReduceMean', ['back'], 'gap', { axes: [1, 2] }], ['Flatten', ['gap'], 'flat'], ['Gemm', ['flat', 'w'], 'fc', { transB: 1 }]], { w: [3, 5] }),
    );
    expect(nhwc.graph.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(['x:Input', 'gap:GlobalAvgPool', 'fc:Dense']);
    expect(nhwc.graph.nodes[0].params.shape).toEqual([5, 4, 4]);
    const opset18 = importOnnx(model([5, 4, 4], [['ReduceMean', ['x', 'axes'], 'gap', { keepdims: 0 }]], {}, 18, { axes: [2, 3] }));
    expect(opset18.graph.nodes[1].type).toBe('GlobalAvgPool');
    expect(refused(model([5, 4, 4], [['ReduceMean', ['x'], 'm', { axes: [1] }]]))).toContain('Convas maps ReduceMean only over height and width');
  });

  it('partial: keeps the layers before the first unmappable node and names it', () => {
    const bytes = model([1, 6, 6], [conv({}), ['Relu', ['conv'], 'relu'], ['Selu', ['relu'], 'selu'], ['Flatten', ['selu'], 'flat']], { w: [2, 1, 3, 3] });
    expect(refused(bytes)).toContain('selu (Selu; inputs "relu"): ONNX Selu has no Convas layer');
    const r = importOnnx(bytes, { partial: true });
    expect(r.graph.nodes.map((n) => n.id)).toEqual(['x', 'conv', 'relu']);
    expect(r.stopped).toEqual({ at: { name: 'selu', opType: 'Selu', inputs: ['relu'], reason: 'ONNX Selu has no Convas layer' }, skipped: ['flat'] });
  });
});

describe('ids from ONNX names', () => {
  it('module paths, functional ops, repeats, nameless nodes, names that start with a digit', () => {
    const ids = new IdMaker();
    const made = [
      ['/layer1/layer1.0/conv1/Conv', 'Conv'],
      ['/layer1/layer1.0/relu/Relu', 'Relu'],
      ['/block/Relu', 'Relu'],
      ['/block/Relu_1', 'Relu'],
      ['/features/features.3/Relu', 'Relu'],
      ['/Flatten', 'Flatten'],
      ['/Flatten', 'Flatten'],
      ['', 'Gemm'],
      ['7:conv', 'Conv'],
      ['input.1', 'Input'],
    ].map(([name, op]) => ids.make(name, op));
    expect(made).toEqual(['layer1_0_conv1', 'layer1_0_relu', 'block_relu', 'block_relu_1', 'features_3', 'Flatten', 'Flatten_2', 'gemm', 'conv_7_conv', 'input_1']);
  });
});
