/** Input — where a batch enters: images C×H×W or feature vectors [F]. */
import type { LayerSpec } from './spec';

export interface InputParams {
  shape: number[];
}

export const Input: LayerSpec<InputParams> = {
  type: 'Input',
  label: 'Input',
  category: 'Input',
  description: 'The data entering the network: an image C×H×W (channels, height, width) or a vector.',
  inputs: { min: 0, max: 0 },
  params: [{ name: 'shape', label: 'Shape', kind: 'shape', default: [1, 28, 28], help: 'Per-sample shape [C, H, W], or [features].' }],
  summary: (p) => p.shape.join('×'),
  outputShape: (_in, p) => p.shape,
  flops: () => 0,
  // no kernels: the batch is handed to the next layer as it is
  exactIndex: true,
  compile: () => ({
    forward: ({ inputs }) => ({ output: inputs[0] }),
    backward: () => ({ inputs: [], params: {} }),
  }),
};
