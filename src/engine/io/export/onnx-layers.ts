/**
 * ONNX (opset 17) per layer type: the one table keyed by each layer's type constant. A type with
 * no entry, or an entry that refuses a parameter, stops the export naming the node and ONNX.
 * Tensors keep Convas's (PyTorch's) NCHW layouts, so weights go in unchanged.
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
import type { OnnxGraph } from './onnx-graph';
import { ExportError, windowPads, type PlanNode } from './plan';

export interface OnnxLayerArgs {
  node: PlanNode;
  /** Value names of the node's inputs, in port order. */
  inputs: string[];
  g: OnnxGraph;
  /** The initializer for one of the node's tensors, named `<nodeId>.<name>`. */
  tensor(name: string): string;
}

/** Returns the value name of the node's output. */
type OnnxLayer = (a: OnnxLayerArgs) => string;

function pads(node: PlanNode, k: [number, number], s: [number, number], padding: Padding): number[] {
  const p = windowPads(node, k, s, padding);
  return [p.top, p.left, p.bottom, p.right];
}

function pool(opType: string, extra: Record<string, number>): OnnxLayer {
  return ({ node, inputs, g }) => {
    const p = node.params as unknown as PoolParams;
    const s = poolStride(p);
    return g.op(opType, inputs, node.id, { kernel_shape: p.poolSize, strides: s, pads: pads(node, p.poolSize, s, p.padding), ...extra });
  };
}

const same: OnnxLayer = ({ node, inputs, g }) => g.op('Identity', inputs, node.id);

export const ONNX_LAYERS: Record<string, OnnxLayer> = {
  [Conv2D.type]: ({ node, inputs, g, tensor }) => {
    const p = node.params as { kernelSize: [number, number]; stride: [number, number]; padding: Padding; useBias: boolean };
    const ins = [inputs[0], tensor('weight'), ...(p.useBias ? [tensor('bias')] : [])];
    return g.op('Conv', ins, node.id, { kernel_shape: p.kernelSize, strides: p.stride, pads: pads(node, p.kernelSize, p.stride, p.padding) });
  },
  [MaxPool2D.type]: pool('MaxPool', {}),
  // Convas divides by the whole window, padding included (PyTorch's count_include_pad=True)
  [AvgPool2D.type]: pool('AveragePool', { count_include_pad: 1 }),
  [GlobalAvgPool.type]: ({ node, inputs, g }) => g.op('Flatten', [g.op('GlobalAveragePool', inputs, `${node.id}_pool`)], node.id, { axis: 1 }),
  [Flatten.type]: ({ node, inputs, g }) => g.op('Flatten', inputs, node.id, { axis: 1 }),
  [Dense.type]: ({ node, inputs, g, tensor }) => {
    const ins = [inputs[0], tensor('weight'), ...(node.tensors.bias ? [tensor('bias')] : [])];
    return g.op('Gemm', ins, node.id, { transB: 1 });
  },
  [Add.type]: ({ node, inputs, g }) => g.op('Sum', inputs, node.id),
  [Concat.type]: ({ node, inputs, g }) => g.op('Concat', inputs, node.id, { axis: 1 }),
  [ReLU.type]: ({ node, inputs, g }) => g.op('Relu', inputs, node.id),
  [LeakyReLU.type]: ({ node, inputs, g }) => g.op('LeakyRelu', inputs, node.id, { alpha: { float: node.params.alpha as number } }),
  [Sigmoid.type]: ({ node, inputs, g }) => g.op('Sigmoid', inputs, node.id),
  [Tanh.type]: ({ node, inputs, g }) => g.op('Tanh', inputs, node.id),
  [ELU.type]: ({ node, inputs, g }) => g.op('Elu', inputs, node.id, { alpha: { float: node.params.alpha as number } }),
  [BatchNorm.type]: ({ node, inputs, g, tensor }) =>
    g.op('BatchNormalization', [inputs[0], tensor('weight'), tensor('bias'), tensor('running_mean'), tensor('running_var')], node.id, {
      epsilon: { float: node.params.epsilon as number },
    }),
  // inference: Dropout passes its input through
  [Dropout.type]: same,
  [LRN.type]: ({ node, inputs, g }) => {
    const p = node.params as { size: number; alpha: number; beta: number; k: number };
    // ONNX centres an even window one channel later than PyTorch (and Convas) do
    if (p.size % 2 === 0) throw new ExportError(`${node.id} (LRN): size ${p.size} is even; ONNX's LRN centres an even window differently from Convas — use an odd size to export to ONNX`, node.id);
    return g.op('LRN', inputs, node.id, { size: p.size, alpha: { float: p.alpha }, beta: { float: p.beta }, bias: { float: p.k } });
  },
  [Softmax.type]: ({ node, inputs, g }) => g.op('Softmax', inputs, node.id, { axis: 1 }),
  [Regression.type]: same,
};
