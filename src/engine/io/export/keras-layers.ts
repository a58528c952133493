/**
 * Keras / TF.js layers per Convas layer type: the one table keyed by each layer's type constant.
 * Layers are channels-last; weights are transposed to Keras's layouts (Conv2D kernel
 * [kh, kw, in, out], Dense kernel [in, out]). Flatten is preceded by a Permute back to
 * channels-first so the flat vector — and every Dense weight after it — keeps Convas's order.
 * Zero padding that Keras's "same" would place differently (or count differently, in average
 * pooling) is an explicit ZeroPadding2D. A layer Keras cannot express exactly stops the export,
 * naming the node and the target.
 */
import { Add } from '../../layers/add';
import { AvgPool2D } from '../../layers/avgpool2d';
import { BatchNorm } from '../../layers/batchnorm';
import { Concat } from '../../layers/concat';
import { Conv2D } from '../../layers/conv2d';
import { Dense } from '../../layers/dense';
import { Dropout } from '../../layers/dropout';
import { Flatten } from '../../layers/flatten';
import { GlobalAvgPool } from '../../layers/globalavgpool';
import { LeakyReLU } from '../../layers/leakyrelu';
import { ELU } from '../../layers/elu';
import { LRN } from '../../layers/lrn';
import { MaxPool2D } from '../../layers/maxpool2d';
import type { Padding } from '../../layers/params';
import { poolStride, type PoolParams } from '../../layers/pool-window';
import { Regression } from '../../layers/regression';
import { ReLU } from '../../layers/relu';
import { Sigmoid } from '../../layers/sigmoid';
import { Softmax } from '../../layers/softmax';
import { Tanh } from '../../layers/tanh';
import type { KerasBuilder, KerasWeight } from './keras-graph';
import { channelsLast, ExportError, windowPads, type Pads, type PlanNode } from './plan';

export interface KerasLayerArgs {
  node: PlanNode;
  inputs: string[];
  /** The Convas nodes feeding this one, in port order. */
  sources: PlanNode[];
  b: KerasBuilder;
}

/** Returns the name of the layer that gives the node's output. */
type KerasLayerFn = (a: KerasLayerArgs) => string;

/** A Convas tensor in Keras's layout: `order` lists, per Keras axis, the Convas axis it comes from. */
function weight(node: PlanNode, convasName: string, kerasName: string, order?: number[]): KerasWeight {
  const t = node.tensors[convasName];
  if (!order) return { name: kerasName, shape: [...t.shape], data: () => t.data };
  const shape = order.map((a) => t.shape[a]);
  return { name: kerasName, shape, data: () => transpose(t.data, t.shape, order) };
}

function transpose(data: Float32Array, shape: readonly number[], order: readonly number[]): Float32Array {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = order.map((a) => shape[a]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < order.length; k++) src += idx[k] * strides[order[k]];
    out[o] = data[src];
    for (let k = outShape.length - 1; k >= 0; k--) {
      if (++idx[k] < outShape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Layers whose every output is ≥ 0: zero padding before a max pool after them never wins. */
const NON_NEGATIVE = new Set([ReLU.type, Sigmoid.type, Softmax.type]);

const zero = (p: Pads) => p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;

/** Explicit zero padding before a window layer, when it has any. */
function zeroPad(b: KerasBuilder, node: PlanNode, input: string, pads: Pads): string {
  if (zero(pads)) return input;
  const [H, W, C] = b.shapeOf(input);
  return b.add('ZeroPadding2D', `${node.id}_pad`, [input], [H + pads.top + pads.bottom, W + pads.left + pads.right, C], { padding: [[pads.top, pads.bottom], [pads.left, pads.right]], data_format: 'channels_last' });
}

/** The padding Keras's "same" applies (the extra pixel after), for comparison with Convas's. */
function kerasSamePads(node: PlanNode, k: [number, number], s: [number, number]): Pads {
  return windowPads(node, k, s, 'same');
}

const out = (node: PlanNode) => channelsLast(node.outShape);

const activation = (fn: string): KerasLayerFn => ({ node, inputs, b }) => b.add('Activation', node.id, inputs, out(node), { activation: fn });

interface ConvParams {
  filters: number;
  kernelSize: [number, number];
  stride: [number, number];
  padding: Padding;
  useBias: boolean;
}

export const KERAS_LAYERS: Record<string, KerasLayerFn> = {
  [Conv2D.type]: ({ node, inputs, b }) => {
    const p = node.params as unknown as ConvParams;
    const x = zeroPad(b, node, inputs[0], windowPads(node, p.kernelSize, p.stride, p.padding));
    const weights = [weight(node, 'weight', 'kernel', [2, 3, 1, 0]), ...(p.useBias ? [weight(node, 'bias', 'bias')] : [])];
    return b.add('Conv2D', node.id, [x], out(node), {
      filters: p.filters, kernel_size: p.kernelSize, strides: p.stride, padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1],
      groups: 1, activation: 'linear', use_bias: p.useBias,
    }, weights);
  },
  [MaxPool2D.type]: ({ node, inputs, sources, b }) => {
    const p = node.params as unknown as PoolParams;
    const s = poolStride(p);
    const pads = windowPads(node, p.poolSize, s, p.padding);
    const same = kerasSamePads(node, p.poolSize, s);
    // Keras pads max pooling only as "same" (padding never wins). Zeros can stand in for padding
    // only where no input is negative (after a ReLU, as in ResNet's stem): every window holds a
    // real value ≥ 0, so a zero never exceeds its maximum.
    if (!zero(pads) && JSON.stringify(pads) !== JSON.stringify(same) && NON_NEGATIVE.has(sources[0].type)) {
      const x = zeroPad(b, node, inputs[0], pads);
      return b.add('MaxPooling2D', node.id, [x], out(node), { pool_size: p.poolSize, strides: s, padding: 'valid', data_format: 'channels_last' });
    }
    const padding = zero(pads) ? 'valid' : JSON.stringify(pads) === JSON.stringify(same) ? 'same' : null;
    if (!padding) {
      throw new ExportError(`${node.id} (MaxPool2D): padding ${JSON.stringify(p.padding)} places the window differently from ${b.target}'s "same" and ${b.target} has no other padding for max pooling — use padding "same" or "valid", or put it after a ReLU, to export to ${b.target}`, node.id);
    }
    return b.add('MaxPooling2D', node.id, inputs, out(node), { pool_size: p.poolSize, strides: s, padding, data_format: 'channels_last' });
  },
  // Convas averages over the whole window, padding included: pad with zeros, then a valid pool
  [AvgPool2D.type]: ({ node, inputs, b }) => {
    const p = node.params as unknown as PoolParams;
    const s = poolStride(p);
    const x = zeroPad(b, node, inputs[0], windowPads(node, p.poolSize, s, p.padding));
    return b.add('AveragePooling2D', node.id, [x], out(node), { pool_size: p.poolSize, strides: s, padding: 'valid', data_format: 'channels_last' });
  },
  [GlobalAvgPool.type]: ({ node, inputs, b }) => b.add('GlobalAveragePooling2D', node.id, inputs, out(node), { data_format: 'channels_last' }),
  [Flatten.type]: ({ node, inputs, b }) => {
    const x = node.inShapes[0].length === 3 ? b.add('Permute', `${node.id}_nchw`, inputs, [...node.inShapes[0]], { dims: [3, 1, 2] }) : inputs[0];
    return b.add('Flatten', node.id, [x], out(node), { data_format: 'channels_last' });
  },
  [Dense.type]: ({ node, inputs, b }) => {
    const bias = !!node.tensors.bias;
    return b.add('Dense', node.id, inputs, out(node), { units: node.outShape[0], activation: 'linear', use_bias: bias }, [
      weight(node, 'weight', 'kernel', [1, 0]),
      ...(bias ? [weight(node, 'bias', 'bias')] : []),
    ]);
  },
  [Add.type]: ({ node, inputs, b }) => b.add('Add', node.id, inputs, out(node)),
  [Concat.type]: ({ node, inputs, b }) => b.add('Concatenate', node.id, inputs, out(node), { axis: -1 }),
  [ReLU.type]: activation('relu'),
  // TF.js layers call the slope alpha, Keras 3 negative_slope
  [LeakyReLU.type]: ({ node, inputs, b }) => b.add('LeakyReLU', node.id, inputs, out(node), { [b.target === 'Keras' ? 'negative_slope' : 'alpha']: node.params.alpha as number }),
  [Sigmoid.type]: activation('sigmoid'),
  [Tanh.type]: activation('tanh'),
  [ELU.type]: ({ node, inputs, b }) => {
    const alpha = node.params.alpha as number;
    // TF.js layers' ELU implements only alpha = 1 (it throws NotImplementedError otherwise)
    if (b.target === 'TF.js' && alpha !== 1) throw new ExportError(`${node.id} (ELU): alpha ${alpha} — TF.js layers' ELU supports only alpha 1; use alpha 1 (or ONNX, PyTorch or Keras) to export`, node.id);
    return b.add('ELU', node.id, inputs, out(node), { alpha });
  },
  [BatchNorm.type]: ({ node, inputs, b }) =>
    b.add('BatchNormalization', node.id, inputs, out(node), {
      axis: -1,
      // Keras's momentum weighs the old statistics: 1 − PyTorch's
      momentum: 1 - (node.params.momentum as number),
      epsilon: node.params.epsilon as number,
      center: true,
      scale: true,
    }, [weight(node, 'weight', 'gamma'), weight(node, 'bias', 'beta'), weight(node, 'running_mean', 'moving_mean'), weight(node, 'running_var', 'moving_variance')]),
  [Dropout.type]: ({ node, inputs, b }) => b.add('Dropout', node.id, inputs, out(node), { rate: node.params.rate as number }),
  [LRN.type]: ({ node, b }) => {
    throw new ExportError(`${node.id} (LRN): ${b.target} layers have no local response normalisation layer — remove the LRN (or replace it by BatchNorm) to export to ${b.target}; ONNX and PyTorch exports keep it`, node.id);
  },
  [Softmax.type]: activation('softmax'),
  [Regression.type]: activation('linear'),
};
