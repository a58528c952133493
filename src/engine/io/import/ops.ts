/**
 * The one table of ONNX operators the import maps, keyed by ONNX op type. Each entry reads its
 * node (attributes, inputs as constants or live tensors) and adds Convas layers, or folds
 * constants; an entry that cannot map its node throws Unmappable with the reason. An op type
 * with no entry is reported as unmappable, never dropped.
 */
import { shortestFloat32 } from '../tensor';
import { Unmappable } from './errors';
import {
  attrFloat,
  attrInt,
  attrInts,
  attrString,
  constant,
  floats,
  image,
  live,
  required,
  same,
  vector,
  windowPadding,
  type OpContext,
  type OpMapping,
} from './context';
import { foldCast, foldConcat, foldConstant, foldGather, foldShape, foldSqueeze, foldUnsqueeze } from './fold';
import { BATCH, describeDims, type ConstValue, type LiveValue } from './values';

const elementwise =
  (type: string, params: (c: OpContext) => Record<string, unknown> = () => ({})): OpMapping =>
  (c) => {
    const x = live(c, 0);
    if (x.pad) throw new Unmappable(`input 0 comes from a Pad; Convas has no separate padding layer`);
    return same(x, c.layer(type, params(c), [x]));
  };

function pair(v: number[] | null, fallback: [number, number], name: string): [number, number] {
  if (!v) return fallback;
  if (v.length !== 2) throw new Unmappable(`${name} has ${v.length} values; Convas maps 2-D windows only`);
  return [v[0], v[1]];
}

function ones(v: number[] | null, name: string): void {
  if (v && v.some((d) => d !== 1)) throw new Unmappable(`${name} ${v.join(',')}: Convas has no dilated windows (${name} must be 1)`);
}

const conv: OpMapping = (c) => {
  const x = image(c, 0, { pad: 'zeros' });
  const w = constant(c, 1, 'weight');
  if (w.dims.length !== 4) throw new Unmappable(`weight is ${w.dims.join('×')}; a 2-D Conv's weight is M×C×kH×kW`);
  const [M, C, kh, kw] = w.dims;
  const group = attrInt(c, 'group', 1);
  if (group !== 1) throw new Unmappable(`group ${group}: Convas's Conv2D has no grouped or depthwise convolution (group must be 1)`);
  if (C !== x.dims[0]) throw new Unmappable(`weight expects ${C} input channels, the input has ${x.dims[0]}`);
  ones(attrInts(c, 'dilations'), 'dilations');
  const k = pair(attrInts(c, 'kernel_shape'), [kh, kw], 'kernel_shape');
  if (k[0] !== kh || k[1] !== kw) throw new Unmappable(`kernel_shape ${k.join('×')} differs from the weight's ${kh}×${kw}`);
  const s = pair(attrInts(c, 'strides'), [1, 1], 'strides');
  const g = windowPadding(c, x, k, s);
  const b = c.input(2);
  if (b && (b.kind !== 'const' || b.data.length !== M)) throw new Unmappable(`bias (input 2) must be a constant of ${M} values`);
  const tensors = { weight: floats(w), ...(b ? { bias: floats(b as ConstValue) } : {}) };
  const id = c.layer('Conv2D', { filters: M, kernelSize: k, stride: s, padding: g.padding, useBias: !!b }, [x], tensors);
  return { kind: 'live', node: id, dims: [M, g.oh, g.ow], layout: 'nchw' };
};

function pool(kind: 'max' | 'avg'): OpMapping {
  return (c) => {
    const x = image(c, 0, kind === 'avg' ? { pad: 'zeros' } : {});
    if (kind === 'max' && c.readers(1) > 0) throw new Unmappable('its second output (indices) is used; Convas pools give values only');
    if (kind === 'max' && attrInt(c, 'storage_order', 0) !== 0) throw new Unmappable('storage_order 1 (column-major indices) is not supported');
    const k = pair(attrInts(c, 'kernel_shape'), [0, 0], 'kernel_shape');
    if (!k[0]) throw new Unmappable('kernel_shape is missing');
    const s = pair(attrInts(c, 'strides'), [1, 1], 'strides');
    ones(attrInts(c, 'dilations'), 'dilations');
    const ceil = attrInt(c, 'ceil_mode', 0) === 1;
    const g = windowPadding(c, x, k, s, { ceil });
    if (kind === 'avg') {
      const pads = (attrInts(c, 'pads') ?? []).some((p) => p > 0) || attrString(c, 'auto_pad', 'NOTSET').startsWith('SAME');
      if (pads && attrInt(c, 'count_include_pad', 0) === 0) {
        throw new Unmappable('count_include_pad 0 with padding: Convas averages over the whole window, padding included (count_include_pad 1, PyTorch\'s default)');
      }
      if (ceil) {
        const floor = windowPadding(c, x, k, s);
        if (floor.oh !== g.oh || floor.ow !== g.ow) throw new Unmappable('ceil_mode adds a partial window whose divisor Convas cannot reproduce');
      }
    }
    const stride = s[0] === k[0] && s[1] === k[1] ? null : s;
    const id = c.layer(kind === 'max' ? 'MaxPool2D' : 'AvgPool2D', { poolSize: k, stride, padding: g.padding }, [x]);
    return { kind: 'live', node: id, dims: [x.dims[0], g.oh, g.ow], layout: 'nchw' };
  };
}

/** Flatten a live value: nothing to do for a vector, a Convas Flatten otherwise (reordered for channels-last data). */
function flatten(c: OpContext, x: LiveValue): LiveValue {
  const n = x.dims.reduce((a, b) => a * b, 1);
  if (x.dims.length === 1) return x;
  if (x.vector) return { kind: 'live', node: x.node, dims: [n], layout: 'nchw' };
  if (x.pad) throw new Unmappable('input 0 comes from a Pad; Convas has no separate padding layer');
  if (x.dims.length !== 3) throw new Unmappable(`input 0 is ${describeDims(x.dims)}; Convas flattens images N×C×H×W`);
  const id = c.layer('Flatten', {}, [x]);
  if (x.layout === 'nchw') return { kind: 'live', node: id, dims: [n], layout: 'nchw' };
  const [H, W, C] = x.dims;
  const perm = new Int32Array(n);
  for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let ch = 0; ch < C; ch++) perm[(h * W + w) * C + ch] = ch * H * W + h * W + w;
  return { kind: 'live', node: id, dims: [n], layout: 'nchw', perm };
}

const flattenOp: OpMapping = (c) => {
  const x = live(c, 0);
  const axis = attrInt(c, 'axis', 1);
  if (axis !== 1 && axis !== -x.dims.length) throw new Unmappable(`axis ${axis}: Convas flattens everything but the batch (axis 1)`);
  return flatten(c, x);
};

const reshape: OpMapping = (c) => {
  const x = live(c, 0);
  const target = constant(c, 1, 'shape');
  if (!target.int) throw new Unmappable('the shape must be integers');
  const t = [...(target.data as number[])];
  const n = x.dims.reduce((a, b) => a * b, 1);
  const allowZero = attrInt(c, 'allowzero', 0) === 1;
  if (t.length === 0) throw new Unmappable('reshaping to a scalar');
  const per = t.slice(1).map((d, i) => (d === 0 && !allowZero ? (x.dims[i] ?? 0) : d));
  const first = t[0];
  const batchKept = first === BATCH || (first === 0 && !allowZero) || (first === -1 && !per.includes(-1)) || (first > 0 && per.includes(-1));
  if (!batchKept) throw new Unmappable(`target shape ${t.map((d) => (d === BATCH ? 'N' : d)).join('×')} changes the batch dimension`);
  const known = per.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = per.map((d) => (d === -1 ? n / known : d));
  if (resolved.some((d) => !Number.isInteger(d) || d < 1) || resolved.reduce((a, b) => a * b, 1) !== n) {
    throw new Unmappable(`target shape N×${per.join('×')} does not hold the input's ${describeDims(x.dims)}`);
  }
  if (resolved.length === x.dims.length && resolved.every((d, i) => d === x.dims[i])) return x;
  if (resolved.length === 1) return flatten(c, x);
  throw new Unmappable(`reshaping ${describeDims(x.dims)} to N×${resolved.join('×')}: Convas maps a Reshape only when it flattens`);
};

/** A dense layer's weight [units, features] from ONNX's B, with the columns of a channels-last flatten put in Convas's order. */
function denseWeight(B: ConstValue, transB: boolean, x: LiveValue, alpha: number): { units: number; weight: Float32Array } {
  if (B.dims.length !== 2) throw new Unmappable(`the weight is ${B.dims.join('×')}; a dense layer's is 2-D`);
  const [K, N] = transB ? [B.dims[1], B.dims[0]] : B.dims;
  if (K !== x.dims[0]) throw new Unmappable(`the weight takes ${K} features, the input has ${x.dims[0]}`);
  const b = floats(B);
  const w = new Float32Array(N * K);
  for (let u = 0; u < N; u++) {
    for (let k = 0; k < K; k++) {
      const col = x.perm ? x.perm[k] : k;
      w[u * K + col] = alpha * (transB ? b[u * K + k] : b[k * N + u]);
    }
  }
  return { units: N, weight: w };
}

/** A bias [units] from a constant that broadcasts over N×units (scalar, [1], [units], [1, units]). */
function denseBias(v: ConstValue, units: number, scale: number): Float32Array {
  const d = floats(v);
  const n = d.length;
  const shapeOk = v.dims.length <= 2 && (v.dims.length < 2 || v.dims[0] === 1) && (n === units || n === 1);
  if (!shapeOk) throw new Unmappable(`the bias is ${v.dims.join('×') || 'a scalar'}; it must broadcast to N×${units} as one value per unit`);
  return Float32Array.from({ length: units }, (_, i) => scale * d[n === 1 ? 0 : i]);
}

const gemm: OpMapping = (c) => {
  const x = vector(c, 0, { permuted: true });
  if (attrInt(c, 'transA', 0) !== 0) throw new Unmappable('transA 1: the input must be N×F');
  const { units, weight } = denseWeight(constant(c, 1, 'weight'), attrInt(c, 'transB', 0) === 1, x, attrFloat(c, 'alpha', 1));
  const C = c.input(2);
  if (C && C.kind !== 'const') throw new Unmappable('the bias (input 2) is computed in the graph; Convas needs it constant');
  const tensors = { weight, ...(C ? { bias: denseBias(C, units, attrFloat(c, 'beta', 1)) } : {}) };
  return { kind: 'live', node: c.layer('Dense', { units, useBias: !!C }, [x], tensors), dims: [units], layout: 'nchw' };
};

const matmul: OpMapping = (c) => {
  const x = vector(c, 0, { permuted: true });
  const { units, weight } = denseWeight(constant(c, 1, 'weight'), false, x, 1);
  return { kind: 'live', node: c.layer('Dense', { units, useBias: false }, [x], { weight }), dims: [units], layout: 'nchw' };
};

/** Add of live tensors is Convas's Add; a constant added to a bias-free Dense (MatMul + Add) becomes its bias. */
const add: OpMapping = (c) => {
  const ins = (c.node.input ?? []).map((_, i) => required(c, i));
  const lives = ins.filter((v): v is LiveValue => v.kind === 'live');
  const consts = ins.filter((v): v is ConstValue => v.kind === 'const');
  if (lives.length === 1 && consts.length === 1 && c.opType === 'Add') {
    const x = lives[0];
    const dense = c.layerOf(x.node);
    if (dense?.type === 'Dense' && dense.params.useBias === false && x.dims.length === 1 && !x.perm && c.liveReaders(x) === 1) {
      dense.tensors.bias = denseBias(consts[0], x.dims[0], 1);
      dense.params.useBias = true;
      c.note(`merged into ${x.node} (its bias)`);
      return x;
    }
    throw new Unmappable('adds a constant to a tensor; Convas maps that only as the bias of a MatMul (a Dense layer) whose output nothing else reads');
  }
  if (consts.length || lives.length < 2) throw new Unmappable('Convas adds two or more computed tensors of one shape');
  for (const v of lives) {
    if (v.pad || v.perm) throw new Unmappable('an input comes from a Pad or a channels-last flatten');
    if (v.dims.join() !== lives[0].dims.join() || v.layout !== lives[0].layout) throw new Unmappable(`inputs ${lives.map((l) => describeDims(l.dims)).join(' and ')} differ; Convas's Add does not broadcast`);
  }
  return same(lives[0], c.layer('Add', {}, lives));
};

const concat: OpMapping = (c) => {
  const ins = (c.node.input ?? []).map((_, i) => required(c, i));
  if (ins.every((v) => v.kind === 'const')) return foldConcat(c, ins);
  if (ins.some((v) => v.kind !== 'live')) throw new Unmappable('concatenates a constant with computed tensors');
  const lives = ins as LiveValue[];
  const rank = lives[0].dims.length + 1;
  const axis = attrInt(c, 'axis', 1);
  if (axis !== 1 && axis !== 1 - rank) throw new Unmappable(`axis ${axis}: Convas concatenates channels (axis 1)`);
  for (const v of lives) {
    if (v.dims.length !== rank - 1) throw new Unmappable('its inputs differ in rank');
    if (v.layout !== 'nchw' || v.pad || v.perm || v.vector) throw new Unmappable('an input is channels-last, padded or a pooled vector');
  }
  const ch = lives.reduce((s, v) => s + v.dims[0], 0);
  return { kind: 'live', node: c.layer('Concat', {}, lives), dims: [ch, ...lives[0].dims.slice(1)], layout: 'nchw' };
};

const identity: OpMapping = (c) => required(c, 0);

const transpose: OpMapping = (c) => {
  const x = live(c, 0);
  const perm = attrInts(c, 'perm');
  const p = perm?.join(',') ?? 'reverse';
  if (perm && perm.every((v, i) => v === i)) return x;
  if (x.dims.length === 3 && !x.pad && !x.vector) {
    if (x.layout === 'nhwc' && p === '0,3,1,2') return { ...x, dims: [x.dims[2], x.dims[0], x.dims[1]], layout: 'nchw' };
    if (x.layout === 'nchw' && p === '0,2,3,1') return { ...x, dims: [x.dims[1], x.dims[2], x.dims[0]], layout: 'nhwc' };
  }
  throw new Unmappable(`perm ${p} on ${describeDims(x.dims)} (${x.layout}): Convas maps only the NHWC ↔ NCHW transposes around images`);
};

const pad: OpMapping = (c) => {
  const x = image(c, 0, { pad: 'zeros' });
  const mode = attrString(c, 'mode', 'constant');
  if (mode !== 'constant') throw new Unmappable(`mode ${mode}: Convas pads with zeros only`);
  const pads = c.opset >= 11 ? (constant(c, 1, 'pads').data as number[]) : attrInts(c, 'pads');
  if (!pads || pads.length !== 8) throw new Unmappable('pads must give 8 values (begin and end of N, C, H, W)');
  const value = c.opset >= 11 ? c.input(2) : null;
  const v = value ? (value.kind === 'const' ? value.data[0] : NaN) : attrFloat(c, 'value', 0);
  if (v !== 0) throw new Unmappable('the pad value is not 0; Convas pads with zeros');
  const [n0, c0, t, l, n1, c1, b, r] = pads;
  if (n0 || c0 || n1 || c1) throw new Unmappable('pads the batch or channel axis');
  if ([t, l, b, r].some((d) => d < 0)) throw new Unmappable('negative pads (cropping)');
  // dims stay the unpadded ones: only a layer that pads with zeros itself may read this value, and it adds `pad` to its own
  const before = x.pad ?? [0, 0, 0, 0];
  c.note('merged into the padding of the layer that reads it');
  return { ...x, pad: [before[0] + t, before[1] + l, before[2] + b, before[3] + r] };
};

const batchNorm: OpMapping = (c) => {
  const x = live(c, 0);
  if (x.dims.length === 3) image(c, 0);
  else vector(c, 0);
  if (attrInt(c, 'training_mode', 0) !== 0) throw new Unmappable('training_mode 1: export the model in eval mode');
  if (c.readers(1) > 0 || c.readers(2) > 0) throw new Unmappable('its running mean/variance outputs are used (a training-mode graph)');
  const C = x.dims[0];
  const t = ['scale', 'B', 'mean', 'var'].map((name, i) => {
    const v = constant(c, i + 1, name);
    if (v.data.length !== C) throw new Unmappable(`${name} (input ${i + 1}) has ${v.data.length} values, the input has ${C} channels`);
    return floats(v);
  });
  // ONNX's momentum weighs the old statistics, Convas's (PyTorch's) the new batch; rounded to float32 so 1 − 0.9 reads 0.1
  const momentum = shortestFloat32(1 - attrFloat(c, 'momentum', 0.9));
  const params = { momentum: Math.min(Math.max(momentum, 0), 1), epsilon: attrFloat(c, 'epsilon', 1e-5) };
  const id = c.layer('BatchNorm', params, [x], { weight: t[0], bias: t[1], running_mean: t[2], running_var: t[3] });
  return same(x, id);
};

const dropout: OpMapping = (c) => {
  const x = live(c, 0);
  if (c.readers(1) > 0) throw new Unmappable('its mask output is used');
  let rate = attrFloat(c, 'ratio', 0.5);
  if (c.opset >= 12) {
    const r = c.input(1);
    if (r && r.kind !== 'const') throw new Unmappable('ratio (input 1) must be constant');
    rate = r ? r.data[0] : 0.5;
    const training = c.input(2);
    if (training && (training.kind !== 'const' || training.data[0])) throw new Unmappable('training_mode is on: export the model in eval mode');
  }
  if (!(rate >= 0 && rate < 1)) throw new Unmappable(`ratio ${rate} is outside [0, 1)`);
  return same(x, c.layer('Dropout', { rate }, [x]));
};

const lrn: OpMapping = (c) => {
  const x = image(c, 0);
  const size = attrInt(c, 'size', 0);
  if (size < 1) throw new Unmappable('size is missing');
  if (size % 2 === 0) throw new Unmappable(`size ${size} is even; ONNX centres an even window one channel later than Convas (and PyTorch) do`);
  const params = { size, alpha: attrFloat(c, 'alpha', 1e-4), beta: attrFloat(c, 'beta', 0.75), k: attrFloat(c, 'bias', 1) };
  return same(x, c.layer('LRN', params, [x]));
};

const softmax: OpMapping = (c) => {
  const x = vector(c, 0);
  const axis = attrInt(c, 'axis', c.opset >= 13 ? -1 : 1);
  if (axis !== 1 && axis !== -1) throw new Unmappable(`axis ${axis}: Convas's Softmax runs over the classes (axis 1)`);
  return same(x, c.layer('Softmax', {}, [x]));
};

const globalAvgPool: OpMapping = (c) => {
  const x = image(c, 0);
  return { kind: 'live', node: c.layer('GlobalAvgPool', {}, [x]), dims: [x.dims[0], 1, 1], layout: 'nchw', vector: true };
};

/** ReduceMean over the spatial axes (what Keras/TF exports write for global average pooling) is a GlobalAvgPool. */
const reduceMean: OpMapping = (c) => {
  const x = live(c, 0);
  let axes = attrInts(c, 'axes');
  if (c.opset >= 18 && c.input(1)) axes = constant(c, 1, 'axes').data as number[];
  const spatial = x.layout === 'nhwc' ? [1, 2] : [2, 3];
  const norm = (axes ?? []).map((a) => (a < 0 ? a + 4 : a)).sort((a, b) => a - b);
  if (x.dims.length !== 3 || x.vector || x.pad || norm.join() !== spatial.join()) {
    throw new Unmappable(`axes ${axes?.join(',') ?? 'all'} on ${describeDims(x.dims)} (${x.layout}): Convas maps ReduceMean only over height and width (global average pooling)`);
  }
  const C = x.layout === 'nhwc' ? x.dims[2] : x.dims[0];
  const id = c.layer('GlobalAvgPool', {}, [{ ...x, dims: x.layout === 'nhwc' ? [C, x.dims[0], x.dims[1]] : x.dims, layout: 'nchw' }]);
  if (attrInt(c, 'keepdims', 1) === 0) return { kind: 'live', node: id, dims: [C], layout: 'nchw' };
  return { kind: 'live', node: id, dims: x.layout === 'nhwc' ? [1, 1, C] : [C, 1, 1], layout: x.layout, vector: true };
};

const onConst =
  (fold: OpMapping, onLive: OpMapping): OpMapping =>
  (c) =>
    required(c, 0).kind === 'const' ? fold(c) : onLive(c);

const noLive: OpMapping = (c) => {
  throw new Unmappable(`${c.opType} of a computed tensor has no Convas layer (only constants fold)`);
};

export const ONNX_OPS: Readonly<Record<string, OpMapping>> = {
  Conv: conv,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: globalAvgPool,
  ReduceMean: reduceMean,
  Relu: elementwise('ReLU'),
  LeakyRelu: elementwise('LeakyReLU', (c) => ({ alpha: attrFloat(c, 'alpha', 0.01) })),
  Sigmoid: elementwise('Sigmoid'),
  Tanh: elementwise('Tanh'),
  Elu: elementwise('ELU', (c) => ({ alpha: attrFloat(c, 'alpha', 1) })),
  Flatten: flattenOp,
  Reshape: reshape,
  Gemm: gemm,
  MatMul: matmul,
  Add: add,
  Sum: add,
  Concat: concat,
  BatchNormalization: batchNorm,
  Dropout: dropout,
  LRN: lrn,
  Softmax: softmax,
  Identity: identity,
  Transpose: transpose,
  Pad: pad,
  Constant: foldConstant,
  Shape: foldShape,
  Gather: onConst(foldGather, noLive),
  Unsqueeze: onConst(foldUnsqueeze, noLive),
  Squeeze: onConst(foldSqueeze, noLive),
  Cast: onConst(foldCast, noLive),
};
