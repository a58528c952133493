/**
 * PyTorch per layer type: the one table keyed by each layer's type constant. Each entry gives
 * the `nn` module built in `__init__` (null for merges, which are plain expressions) and the
 * expression `forward` computes from its inputs. Padding PyTorch cannot express as a module
 * argument (asymmetric "same") becomes an `F.pad` before the module, as Convas pads.
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
import { windowPads, type PlanNode } from './plan';
import { pyNum, pyTuple } from './python-names';

export interface TorchLayer {
  /** The nn module, or null when forward needs none (Add, Concat). */
  module(node: PlanNode): string | null;
  /** The forward expression; `self` is this node's attribute (`self.conv1`). */
  call(node: PlanNode, inputs: string[], self: string): string;
  /** Output layers: the loss train.py uses on the layer's input. */
  loss?: 'cross_entropy' | 'mse';
}

interface WindowPad {
  /** Symmetric padding for the module argument. */
  module: [number, number];
  /** F.pad's (left, right, top, bottom) when the padding is asymmetric, else null. */
  fpad: [number, number, number, number] | null;
}

function windowPad(node: PlanNode, k: [number, number], s: [number, number], padding: Padding): WindowPad {
  if (Array.isArray(padding)) return { module: padding, fpad: null };
  const p = windowPads(node, k, s, padding);
  if (p.top === p.bottom && p.left === p.right) return { module: [p.top, p.left], fpad: null };
  return { module: [0, 0], fpad: [p.left, p.right, p.top, p.bottom] };
}

function padded(x: string, pad: WindowPad, fill: string | null): string {
  if (!pad.fpad) return x;
  return `F.pad(${x}, ${pyTuple(pad.fpad)}${fill ? `, value=${fill}` : ''})`;
}

const unary = (module: (n: PlanNode) => string): TorchLayer => ({ module, call: (_n, [x], self) => `${self}(${x})` });

function pool(cls: string, fill: string | null, extra: string): TorchLayer {
  const pad = (n: PlanNode) => {
    const p = n.params as unknown as PoolParams;
    return windowPad(n, p.poolSize, poolStride(p), p.padding);
  };
  return {
    module: (n) => {
      const p = n.params as unknown as PoolParams;
      return `nn.${cls}(kernel_size=${pyTuple(p.poolSize)}, stride=${pyTuple(poolStride(p))}, padding=${pyTuple(pad(n).module)}${extra})`;
    },
    call: (n, [x], self) => `${self}(${padded(x, pad(n), fill)})`,
  };
}

interface ConvParams {
  filters: number;
  kernelSize: [number, number];
  stride: [number, number];
  padding: Padding;
  useBias: boolean;
}

const convPad = (n: PlanNode) => {
  const p = n.params as unknown as ConvParams;
  return windowPad(n, p.kernelSize, p.stride, p.padding);
};

export const TORCH_LAYERS: Record<string, TorchLayer> = {
  [Conv2D.type]: {
    module: (n) => {
      const p = n.params as unknown as ConvParams;
      const bias = p.useBias ? 'True' : 'False';
      return `nn.Conv2d(${n.inShapes[0][0]}, ${p.filters}, kernel_size=${pyTuple(p.kernelSize)}, stride=${pyTuple(p.stride)}, padding=${pyTuple(convPad(n).module)}, bias=${bias})`;
    },
    call: (n, [x], self) => `${self}(${padded(x, convPad(n), null)})`,
  },
  [MaxPool2D.type]: pool('MaxPool2d', 'float("-inf")', ''),
  // Convas divides by the whole window, padding included
  [AvgPool2D.type]: pool('AvgPool2d', null, ', count_include_pad=True'),
  [GlobalAvgPool.type]: { module: () => 'nn.AdaptiveAvgPool2d(1)', call: (_n, [x], self) => `torch.flatten(${self}(${x}), 1)` },
  [Flatten.type]: unary(() => 'nn.Flatten()'),
  [Dense.type]: unary((n) => `nn.Linear(${n.inShapes[0][0]}, ${n.outShape[0]}, bias=${n.tensors.bias ? 'True' : 'False'})`),
  [Add.type]: { module: () => null, call: (_n, xs) => xs.join(' + ') },
  [Concat.type]: { module: () => null, call: (_n, xs) => `torch.cat([${xs.join(', ')}], dim=1)` },
  [ReLU.type]: unary(() => 'nn.ReLU()'),
  [LeakyReLU.type]: unary((n) => `nn.LeakyReLU(negative_slope=${pyNum(n.params.alpha as number)})`),
  [Sigmoid.type]: unary(() => 'nn.Sigmoid()'),
  [Tanh.type]: unary(() => 'nn.Tanh()'),
  [ELU.type]: unary((n) => `nn.ELU(alpha=${pyNum(n.params.alpha as number)})`),
  [BatchNorm.type]: unary((n) => `nn.BatchNorm${n.inShapes[0].length === 3 ? '2d' : '1d'}(${n.inShapes[0][0]}, eps=${pyNum(n.params.epsilon as number)}, momentum=${pyNum(n.params.momentum as number)})`),
  [Dropout.type]: unary((n) => `nn.Dropout(p=${pyNum(n.params.rate as number)})`),
  [LRN.type]: unary((n) => {
    const p = n.params as { size: number; alpha: number; beta: number; k: number };
    return `nn.LocalResponseNorm(${p.size}, alpha=${pyNum(p.alpha)}, beta=${pyNum(p.beta)}, k=${pyNum(p.k)})`;
  }),
  [Softmax.type]: { ...unary(() => 'nn.Softmax(dim=1)'), loss: 'cross_entropy' },
  [Regression.type]: { ...unary(() => 'nn.Identity()'), loss: 'mse' },
};
