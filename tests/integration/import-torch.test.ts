/**
 * ONNX import of networks built in PyTorch and exported with torch.onnx.export (torch 1.13,
 * opset 13; 11 and 17 for two of them): the imported graph's inference equals PyTorch's outputs
 * within 1e-4 and keeps PyTorch's parameter count. One Python process exports every model of this file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/engine/io/import/onnx-import';
import { expectClose } from '../helpers/compare';
import { exportTorchModels, importedOutputs, type TorchModel } from '../helpers/onnx-import';

const dir = mkdtempSync(join(tmpdir(), 'convas-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** name → the Convas layer types the import must produce (in graph order) */
const CASES: Record<string, string[]> = {
  vgg: ['Input', 'Conv2D', 'ReLU', 'Conv2D', 'ReLU', 'MaxPool2D', 'Conv2D', 'ReLU', 'MaxPool2D', 'Flatten', 'Dense', 'ReLU', 'Dense', 'Softmax'],
  resblock: ['Input', 'Conv2D', 'ReLU', 'Conv2D', 'Conv2D', 'BatchNorm', 'BatchNorm', 'ReLU', 'Conv2D', 'BatchNorm', 'Add', 'ReLU', 'GlobalAvgPool', 'Dense'],
  'resblock-folded': ['Input', 'Conv2D', 'ReLU', 'Conv2D', 'Conv2D', 'ReLU', 'Conv2D', 'Add', 'ReLU', 'GlobalAvgPool', 'Dense'],
  inception: ['Input', 'Conv2D', 'ReLU', 'Conv2D', 'Conv2D', 'Conv2D', 'MaxPool2D', 'ReLU', 'ReLU', 'Conv2D', 'Conv2D', 'Conv2D', 'Concat', 'ReLU', 'AvgPool2D', 'Flatten', 'Dense'],
  'seed-mnist-bn': ['Input', 'Conv2D', 'BatchNorm', 'ReLU', 'MaxPool2D', 'Conv2D', 'BatchNorm', 'Tanh', 'MaxPool2D', 'Flatten', 'Dense', 'Softmax'],
  'seed-cifar-bn': ['Input', 'Conv2D', 'BatchNorm', 'LeakyReLU', 'Conv2D', 'Sigmoid', 'MaxPool2D', 'Conv2D', 'BatchNorm', 'ReLU', 'MaxPool2D', 'Flatten', 'Dense', 'BatchNorm', 'ReLU', 'Dense', 'Softmax'],
  'alexnet-lrn': ['Input', 'Conv2D', 'ReLU', 'LRN', 'MaxPool2D', 'Conv2D', 'ReLU', 'LRN', 'MaxPool2D', 'Flatten', 'Dense', 'ReLU', 'Dense'],
  resnet18: [],
  // torchvision's GoogLeNet pieces: ceil_mode max pools come in as 'same' (checked below)
  'googlenet-mini': [],
  'vgg-opset11': ['Input', 'Conv2D', 'ReLU', 'Conv2D', 'ReLU', 'MaxPool2D', 'Conv2D', 'ReLU', 'MaxPool2D', 'Flatten', 'Dense', 'ReLU', 'Dense', 'Softmax'],
  'resblock-opset17': ['Input', 'Conv2D', 'ReLU', 'Conv2D', 'Conv2D', 'BatchNorm', 'BatchNorm', 'ReLU', 'Conv2D', 'BatchNorm', 'Add', 'ReLU', 'GlobalAvgPool', 'Dense'],
  // a Keras/TF-style model: NHWC input, flatten of channels-last data, MatMul + Add
  nhwc: ['Input', 'Conv2D', 'ReLU', 'Flatten', 'Dense', 'Softmax'],
};

let torch: Record<string, TorchModel>;
beforeAll(() => {
  torch = exportTorchModels(dir, Object.keys(CASES));
}, 240_000);

describe('ONNX import of torch.onnx.export models', () => {
  for (const [name, types] of Object.entries(CASES)) {
    it(`${name}: same outputs as PyTorch (1e-4), same parameter count`, async () => {
      const t = torch[name];
      const imported = importOnnx(readFileSync(join(dir, `${name}.onnx`)));
      if (types.length) expect(imported.graph.nodes.map((n) => n.type)).toEqual(types);
      // an eval-mode export folds BatchNorm into the convolution before it: fewer parameters, same outputs
      if (name !== 'resblock-folded') expect(imported.report.totals.params).toBe(t.params);
      const x = Float32Array.from(t.x);
      const y = await importedOutputs(imported, x, 2, name === 'resnet18' ? 'webasm' : 'cpu');
      expectClose(y, t.y, 1e-4, `${name} output`);
    }, 240_000);
  }

  it('googlenet-mini: ceil_mode max pooling as "same", BatchNorm epsilon 0.001', () => {
    const imported = importOnnx(readFileSync(join(dir, 'googlenet-mini.onnx')));
    const pools = imported.graph.nodes.filter((n) => n.type === 'MaxPool2D').map((n) => [n.id, n.params.padding]);
    expect(pools).toEqual([['maxpool1', 'same'], ['inception_branch4_0', [1, 1]], ['maxpool2', 'same']]);
    expect(imported.graph.nodes.find((n) => n.id === 'conv1_bn')!.params.epsilon).toBe(0.001);
  });

  it('resnet18: torchvision\'s 20 convolutions, 20 BatchNorms, 8 residual Adds, readable unique ids', () => {
    const imported = importOnnx(readFileSync(join(dir, 'resnet18.onnx')));
    const count = (type: string) => imported.graph.nodes.filter((n) => n.type === type).length;
    expect([count('Conv2D'), count('BatchNorm'), count('Add'), count('Dense')]).toEqual([20, 20, 8, 1]);
    const ids = imported.graph.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('layer2_0_downsample_0');
    expect(ids).toContain('layer4_1_conv2');
    const bn = imported.graph.nodes.find((n) => n.id === 'bn1')!;
    expect(bn.params).toEqual({ momentum: expect.closeTo(0.1, 6), epsilon: expect.closeTo(1e-5, 9) });
  });
});
