/**
 * Writes the preset gallery, resources/presets/*.convas.json, from the compact descriptions
 * below. Generating them keeps every file in the same shape and computes the canvas layout
 * (rather than placing ~40 cards by hand). The JSON is committed; tests/unit/presets.test.ts
 * checks that it is what this script writes, that every graph is shape-valid, and that its
 * parameter total is the published figure given here as `expectedParams`.
 *
 *   npx tsx scripts/make-presets.ts
 */
import type { BUILTIN_DATASETS } from '../src/engine/io/project';
import type { InitializerName, OptimizerConfig } from '../src/engine/io/settings';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateNodeSize, layoutSized } from '../src/engine/graph/layout';

type Params = Record<string, unknown>;
type Pair = [number, number];

export interface PresetNode {
  id: string;
  type: string;
  params: Params;
}
export interface PresetEdge {
  from: string;
  to: string;
  port: number;
}
/**
 * The training settings a preset states; the project loader (src/engine/io/project.ts) fills in
 * the rest (seed, validation split, shuffle, backend) with its defaults.
 */
export interface PresetTraining {
  epochs: number;
  batchSize: number;
  /** The project's own optimizer settings (weight decay is the run's, below). */
  optimizer: Omit<OptimizerConfig, 'weightDecay'>;
  weightDecay: number;
  initializer: InitializerName;
  /** A built-in set (sized from the Input by the trainer), or null where no built-in data fits. */
  dataset: { source: 'builtin'; name: (typeof BUILTIN_DATASETS)[number]; normalize?: 'standardize' } | null;
  augmentation?: { randomCrop: number; flipHorizontal: boolean };
}
/** A `convas-project` file (docs/formats.md), without weights. */
export interface PresetFile {
  format: 'convas-project';
  version: 1;
  name: string;
  description: string;
  graph: { nodes: PresetNode[]; edges: PresetEdge[] };
  layout: Record<string, { x: number; y: number }>;
  training: PresetTraining;
}

/** Node cards on the canvas are at least this big; the layout keeps a gap between them. */
export const CARD = { width: 220, height: 110 };

/**
 * A graph under construction. Nodes must be added after their inputs, so the order of `add`
 * calls is a topological order. `lane` says which side a branch was meant to stand on; the
 * positions themselves come from the app's auto-layout (`layout()`), which keeps branches in
 * the order they were added.
 */
class Net {
  readonly nodes: PresetNode[] = [];
  readonly edges: PresetEdge[] = [];
  private readonly lanes = new Map<string, number>();

  input(id: string, shape: number[], lane = 0): string {
    return this.add(id, 'Input', { shape }, [], lane);
  }

  /** Add `id` fed by `from` (its port i takes from[i]); lane defaults to its first input's. */
  add(id: string, type: string, params: Params, from: string | readonly string[], lane?: number): string {
    if (this.lanes.has(id)) throw new Error(`duplicate node id ${id}`);
    const sources = typeof from === 'string' ? [from] : from;
    sources.forEach((s, port) => {
      if (!this.lanes.has(s)) throw new Error(`${id}: input ${s} is not defined yet`);
      this.edges.push({ from: s, to: id, port });
    });
    this.nodes.push({ id, type, params });
    this.lanes.set(id, lane ?? (sources.length > 0 ? this.lanes.get(sources[0])! : 0));
    return id;
  }

  /** A straight chain of single-input layers after `from`; returns the last id. */
  chain(from: string, layers: readonly [string, string, Params?][], lane?: number): string {
    let last = from;
    for (const [id, type, params] of layers) last = this.add(id, type, params ?? {}, last, lane);
    return last;
  }

  /**
   * Canvas positions: the app's own auto-layout (src/engine/graph/layout.ts, elkjs) with each
   * card's estimated size, so a preset opens as Auto layout would lay it out.
   */
  layout(): Promise<Record<string, { x: number; y: number }>> {
    const nodes = this.nodes.map((n) => ({ id: n.id, ...estimateNodeSize(n.type) }));
    return layoutSized(nodes, this.edges.map((e) => ({ source: e.from, target: e.to, port: e.port })));
  }
}

// Layer parameters, always written in full so a file reads the same whatever the defaults.
function conv(filters: number, k: number | Pair, o: { stride?: number; padding?: 'valid' | 'same' | number; bias?: boolean } = {}): Params {
  const kernelSize = typeof k === 'number' ? [k, k] : k;
  const s = o.stride ?? 1;
  const padding = typeof o.padding === 'number' ? [o.padding, o.padding] : (o.padding ?? 'valid');
  return { filters, kernelSize, stride: [s, s], padding, useBias: o.bias ?? true };
}
function pool(size: number, stride: number = size, padding: 'valid' | 'same' | number = 'valid'): Params {
  return { poolSize: [size, size], stride: [stride, stride], padding: typeof padding === 'number' ? [padding, padding] : padding };
}
const dense = (units: number): Params => ({ units, useBias: true });
const dropout = (rate: number): Params => ({ rate });
/**
 * AlexNet's response normalisation (k = 2, n = 5, α = 1e-4, β = 0.75) in PyTorch's terms:
 * `LocalResponseNorm` divides α by the window size, the paper does not, so α here is 5 × 1e-4.
 */
const ALEXNET_LRN: Params = { size: 5, alpha: 5e-4, beta: 0.75, k: 2 };

/** The built-in coloured shapes at the Input's size and channels, standardised per channel (with pixels in [0, 1] the seed's MNIST CNN reached ~90% in 3 epochs; standardised, 97–98%). */
const SHAPES = { source: 'builtin', name: 'shapes', normalize: 'standardize' } as const;
/** The seed's chapter-18 data, built in (18.4) or where the system has it (18.5: Fashion-MNIST; MNIST digits otherwise). */
const MNIST = { source: 'builtin', name: 'mnist', normalize: 'standardize' } as const;
const FASHION = { source: 'builtin', name: 'fashion-mnist', normalize: 'standardize' } as const;

interface PresetDef {
  file: string;
  name: string;
  description: string;
  /**
   * The published parameter total (sources in resources/presets/README.md). Not stored in the
   * file — the project format has no such field — but checked against shape inference by test.
   */
  expectedParams: number;
  build(net: Net): void;
  training: PresetTraining;
}

// ---------------------------------------------------------------- the classic networks

const lenet5: PresetDef = {
  file: 'lenet5',
  name: 'LeNet-5',
  description: 'LeCun et al. 1998 with ReLU and max pooling, as frameworks build it today: 32×32 grey in, 10 classes.',
  expectedParams: 61_706,
  build(n) {
    n.chain(n.input('input', [1, 32, 32]), [
      ['conv1', 'Conv2D', conv(6, 5)],
      ['relu1', 'ReLU'],
      ['pool1', 'MaxPool2D', pool(2)],
      ['conv2', 'Conv2D', conv(16, 5)],
      ['relu2', 'ReLU'],
      ['pool2', 'MaxPool2D', pool(2)],
      ['flatten', 'Flatten'],
      ['fc1', 'Dense', dense(120)],
      ['relu3', 'ReLU'],
      ['fc2', 'Dense', dense(84)],
      ['relu4', 'ReLU'],
      ['fc3', 'Dense', dense(10)],
      ['softmax', 'Softmax'],
    ]);
  },
  training: { epochs: 10, batchSize: 64, optimizer: { name: 'momentum', lr: 0.01, momentum: 0.9 }, weightDecay: 0, initializer: 'msra', dataset: SHAPES },
};

/** AlexNet and ZFNet share everything after the second pooling layer. */
function alexTail(n: Net, from: string): void {
  n.chain(from, [
    ['conv3', 'Conv2D', conv(384, 3, { padding: 1 })],
    ['relu3', 'ReLU'],
    ['conv4', 'Conv2D', conv(384, 3, { padding: 1 })],
    ['relu4', 'ReLU'],
    ['conv5', 'Conv2D', conv(256, 3, { padding: 1 })],
    ['relu5', 'ReLU'],
    ['pool5', 'MaxPool2D', pool(3, 2)],
    ['flatten', 'Flatten'],
    ['fc6', 'Dense', dense(4096)],
    ['relu6', 'ReLU'],
    ['drop6', 'Dropout', dropout(0.5)],
    ['fc7', 'Dense', dense(4096)],
    ['relu7', 'ReLU'],
    ['drop7', 'Dropout', dropout(0.5)],
    ['fc8', 'Dense', dense(1000)],
    ['softmax', 'Softmax'],
  ]);
}

/** The published ImageNet recipe: SGD with momentum 0.9, lr 0.01, weight decay 5e-4. */
const IMAGENET_SGD = { name: 'momentum', lr: 0.01, momentum: 0.9 } as const;

const alexnet: PresetDef = {
  file: 'alexnet',
  name: 'AlexNet',
  description: 'Krizhevsky et al. 2012 as in the seed (18.0.2), on one device (no grouped convolutions): 227×227 RGB in, 1000 classes.',
  expectedParams: 62_378_344,
  build(n) {
    // 227, not the 224 the seed prints: (227 − 11) / 4 + 1 = 55 is the seed's own 96×55×55.
    const pool2 = n.chain(n.input('input', [3, 227, 227]), [
      ['conv1', 'Conv2D', conv(96, 11, { stride: 4 })],
      ['relu1', 'ReLU'],
      ['lrn1', 'LRN', ALEXNET_LRN],
      ['pool1', 'MaxPool2D', pool(3, 2)],
      ['conv2', 'Conv2D', conv(256, 5, { padding: 2 })],
      ['relu2', 'ReLU'],
      ['lrn2', 'LRN', ALEXNET_LRN],
      ['pool2', 'MaxPool2D', pool(3, 2)],
    ]);
    alexTail(n, pool2);
  },
  // Batch 128, ~90 epochs, N(0, 0.01) weights (Krizhevsky et al. 2012, section 5).
  training: { epochs: 90, batchSize: 128, optimizer: IMAGENET_SGD, weightDecay: 5e-4, initializer: 'normal', dataset: SHAPES },
};

const zfnet: PresetDef = {
  file: 'zfnet',
  name: 'ZFNet',
  description: 'Zeiler & Fergus 2013 (fig. 3): AlexNet with a 7×7 stride-2 first layer and a stride-2 second layer; 224×224 RGB in, 1000 classes.',
  expectedParams: 62_357_608,
  build(n) {
    // Paddings chosen so the maps are the paper's 110, 55, 26, 13, 13, 6.
    const pool2 = n.chain(n.input('input', [3, 224, 224]), [
      ['conv1', 'Conv2D', conv(96, 7, { stride: 2, padding: 1 })],
      ['relu1', 'ReLU'],
      ['lrn1', 'LRN', ALEXNET_LRN],
      ['pool1', 'MaxPool2D', pool(3, 2, 1)],
      ['conv2', 'Conv2D', conv(256, 5, { stride: 2 })],
      ['relu2', 'ReLU'],
      ['lrn2', 'LRN', ALEXNET_LRN],
      ['pool2', 'MaxPool2D', pool(3, 2, 1)],
    ]);
    alexTail(n, pool2);
  },
  // Zeiler & Fergus 2013, section 3: batch 128, lr 0.01, momentum 0.9, 70 epochs.
  training: { epochs: 70, batchSize: 128, optimizer: IMAGENET_SGD, weightDecay: 5e-4, initializer: 'normal', dataset: SHAPES },
};

/** One VGG stage: `convs` 3×3 same convolutions with ReLU, then 2×2 max pooling. */
function vggStage(n: Net, from: string, stage: number, filters: number, convs: number): string {
  let last = from;
  for (let i = 1; i <= convs; i++) {
    last = n.chain(last, [
      [`conv${stage}_${i}`, 'Conv2D', conv(filters, 3, { padding: 'same' })],
      [`relu${stage}_${i}`, 'ReLU'],
    ]);
  }
  return n.add(`pool${stage}`, 'MaxPool2D', pool(2), last);
}

const vgg16: PresetDef = {
  file: 'vgg16',
  name: 'VGG-16',
  description: 'Simonyan & Zisserman 2015, configuration D: thirteen 3×3 convolutions in five stages, three dense layers; 224×224 RGB in, 1000 classes.',
  expectedParams: 138_357_544,
  build(n) {
    let last = n.input('input', [3, 224, 224]);
    const stages: Pair[] = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
    stages.forEach(([filters, convs], i) => (last = vggStage(n, last, i + 1, filters, convs)));
    n.chain(last, [
      ['flatten', 'Flatten'],
      ['fc6', 'Dense', dense(4096)],
      ['relu6', 'ReLU'],
      ['drop6', 'Dropout', dropout(0.5)],
      ['fc7', 'Dense', dense(4096)],
      ['relu7', 'ReLU'],
      ['drop7', 'Dropout', dropout(0.5)],
      ['fc8', 'Dense', dense(1000)],
      ['softmax', 'Softmax'],
    ]);
  },
  // Section 3.1: batch 256, lr 0.01, momentum 0.9, weight decay 5e-4, 74 epochs, Glorot init.
  training: { epochs: 74, batchSize: 256, optimizer: IMAGENET_SGD, weightDecay: 5e-4, initializer: 'xavier', dataset: SHAPES },
};

/**
 * Blocks are studied on the canvas (shapes, parameters, FLOPs), not trained alone: their inputs
 * have 64–256 channels, which no built-in data has. Generic settings for when a user adds a stem
 * and a head.
 */
const BLOCK_TRAINING: PresetTraining = { epochs: 10, batchSize: 32, optimizer: { name: 'momentum', lr: 0.01, momentum: 0.9 }, weightDecay: 1e-4, initializer: 'msra', dataset: null };

const vggBlock: PresetDef = {
  file: 'vgg-block',
  name: 'VGG block',
  description: "VGG-16's third stage: three 3×3 same convolutions of 256 with ReLU, then 2×2 max pooling; 128×56×56 in, 256×28×28 out.",
  expectedParams: 1_475_328,
  build(n) {
    vggStage(n, n.input('input', [128, 56, 56]), 3, 256, 3);
  },
  training: BLOCK_TRAINING,
};

const inception: PresetDef = {
  file: 'inception-3a',
  name: 'Inception module (3a)',
  description: "GoogLeNet's inception (3a): 1×1, 3×3 and 5×5 convolutions and a pooled branch side by side, joined on channels; 192×28×28 in, 256×28×28 out.",
  expectedParams: 163_696,
  build(n) {
    const x = n.input('input', [192, 28, 28], 1.5);
    const b1 = n.chain(x, [['b1_1x1', 'Conv2D', conv(64, 1)], ['b1_relu', 'ReLU']], 0);
    const b2 = n.chain(x, [
      ['b2_reduce', 'Conv2D', conv(96, 1)],
      ['b2_relu1', 'ReLU'],
      ['b2_3x3', 'Conv2D', conv(128, 3, { padding: 'same' })],
      ['b2_relu2', 'ReLU'],
    ], 1);
    const b3 = n.chain(x, [
      ['b3_reduce', 'Conv2D', conv(16, 1)],
      ['b3_relu1', 'ReLU'],
      ['b3_5x5', 'Conv2D', conv(32, 5, { padding: 'same' })],
      ['b3_relu2', 'ReLU'],
    ], 2);
    const b4 = n.chain(x, [
      ['b4_pool', 'MaxPool2D', pool(3, 1, 'same')],
      ['b4_proj', 'Conv2D', conv(32, 1)],
      ['b4_relu', 'ReLU'],
    ], 3);
    n.add('concat', 'Concat', {}, [b1, b2, b3, b4], 1.5);
  },
  training: BLOCK_TRAINING,
};

// ---------------------------------------------------------------- residual and dense blocks

/**
 * A basic residual block (two 3×3 convolutions): main path in lane 0, the shortcut in lane 1
 * (a 1×1 projection when the shape changes), the block's input and output between them.
 */
function basicBlock(n: Net, x: string, p: string, filters: number, stride: number, project: boolean): string {
  const main = n.chain(x, [
    [`${p}conv1`, 'Conv2D', conv(filters, 3, { stride, padding: 1, bias: false })],
    [`${p}bn1`, 'BatchNorm'],
    [`${p}relu1`, 'ReLU'],
    [`${p}conv2`, 'Conv2D', conv(filters, 3, { padding: 1, bias: false })],
    [`${p}bn2`, 'BatchNorm'],
  ], 0);
  const shortcut = project
    ? n.chain(x, [[`${p}proj`, 'Conv2D', conv(filters, 1, { stride, bias: false })], [`${p}proj_bn`, 'BatchNorm']], 1)
    : x;
  return n.chain(n.add(`${p}add`, 'Add', {}, [main, shortcut], 0.5), [[`${p}relu2`, 'ReLU']]);
}

const resnetBasic: PresetDef = {
  file: 'resnet-basic-block',
  name: 'ResNet basic block',
  description: 'He et al. 2016: two 3×3 convolutions with BatchNorm plus an identity shortcut, as in ResNet-18/34 conv2_x; 64×56×56 in and out.',
  expectedParams: 73_984,
  build(n) {
    basicBlock(n, n.input('input', [64, 56, 56], 0.5), '', 64, 1, false);
  },
  training: BLOCK_TRAINING,
};

const resnetProjection: PresetDef = {
  file: 'resnet-basic-block-projection',
  name: 'ResNet basic block (projection shortcut)',
  description: 'A downsampling basic block as in ResNet-18/34 conv3_x: stride 2, with a 1×1 stride-2 convolution on the shortcut; 64×56×56 in, 128×28×28 out.',
  expectedParams: 230_144,
  build(n) {
    basicBlock(n, n.input('input', [64, 56, 56], 0.5), '', 128, 2, true);
  },
  training: BLOCK_TRAINING,
};

const resnetBottleneck: PresetDef = {
  file: 'resnet-bottleneck-block',
  name: 'ResNet bottleneck block',
  description: 'He et al. 2016 (fig. 5, right): 1×1 down to 64, 3×3, 1×1 back up to 256, plus an identity shortcut, as in ResNet-50 conv2_x; 256×56×56 in and out.',
  expectedParams: 70_400,
  build(n) {
    const x = n.input('input', [256, 56, 56], 0.5);
    const main = n.chain(x, [
      ['conv1', 'Conv2D', conv(64, 1, { bias: false })],
      ['bn1', 'BatchNorm'],
      ['relu1', 'ReLU'],
      ['conv2', 'Conv2D', conv(64, 3, { padding: 1, bias: false })],
      ['bn2', 'BatchNorm'],
      ['relu2', 'ReLU'],
      ['conv3', 'Conv2D', conv(256, 1, { bias: false })],
      ['bn3', 'BatchNorm'],
    ], 0);
    n.chain(n.add('add', 'Add', {}, [main, x], 0.5), [['relu3', 'ReLU']]);
  },
  training: BLOCK_TRAINING,
};

const resnet8: PresetDef = {
  file: 'resnet8-cifar',
  name: 'ResNet-8 (CIFAR)',
  description: 'The smallest of He et al.’s CIFAR ResNets (6n+2 layers, n = 1): a 3×3 stem and three basic blocks of 16, 32, 64, global average pooling, 10 classes; 32×32 RGB in.',
  expectedParams: 78_042,
  build(n) {
    let x = n.chain(n.input('input', [3, 32, 32], 0.5), [
      ['conv1', 'Conv2D', conv(16, 3, { padding: 1, bias: false })],
      ['bn1', 'BatchNorm'],
      ['relu1', 'ReLU'],
    ], 0.5);
    x = basicBlock(n, x, 'b1_', 16, 1, false);
    x = basicBlock(n, x, 'b2_', 32, 2, true);
    x = basicBlock(n, x, 'b3_', 64, 2, true);
    n.chain(x, [['gap', 'GlobalAvgPool'], ['fc', 'Dense', dense(10)], ['softmax', 'Softmax']]);
  },
  // Section 4.2: lr 0.1, momentum 0.9, weight decay 1e-4, batch 128, He (MSRA) init, 4-pixel
  // padding with random crops and horizontal flips.
  training: {
    epochs: 30,
    batchSize: 128,
    optimizer: { name: 'momentum', lr: 0.1, momentum: 0.9 },
    weightDecay: 1e-4,
    initializer: 'msra',
    dataset: SHAPES,
    augmentation: { randomCrop: 4, flipHorizontal: true },
  },
};

const densenet: PresetDef = {
  file: 'densenet-block',
  name: 'DenseNet dense block + transition',
  description: "DenseNet-121's first dense block (6 layers, growth rate 32, BN-ReLU-Conv 1×1-BN-ReLU-Conv 3×3, outputs concatenated) and transition; 64×56×56 in, 128×28×28 out.",
  expectedParams: 368_320,
  build(n) {
    // The layers in lane 0; the growing concatenation runs down lane 1 beside them.
    let features = n.input('input', [64, 56, 56], 0.5);
    for (let i = 1; i <= 6; i++) {
      const h = n.chain(features, [
        [`l${i}_bn1`, 'BatchNorm'],
        [`l${i}_relu1`, 'ReLU'],
        [`l${i}_conv1`, 'Conv2D', conv(128, 1, { bias: false })],
        [`l${i}_bn2`, 'BatchNorm'],
        [`l${i}_relu2`, 'ReLU'],
        [`l${i}_conv2`, 'Conv2D', conv(32, 3, { padding: 1, bias: false })],
      ], 0);
      features = n.add(`concat${i}`, 'Concat', {}, [features, h], 1);
    }
    n.chain(features, [
      ['t_bn', 'BatchNorm'],
      ['t_relu', 'ReLU'],
      ['t_conv', 'Conv2D', conv(128, 1, { bias: false })],
      ['t_pool', 'AvgPool2D', pool(2)],
    ], 0.5);
  },
  training: BLOCK_TRAINING,
};

// ---------------------------------------------------------------- torchvision's ImageNet networks

/** He et al. 2016 / Huang et al. 2017 / torchvision: SGD lr 0.1, momentum 0.9, weight decay 1e-4, batch 256, He init. */
const TORCHVISION_TRAINING: PresetTraining = {
  epochs: 90,
  batchSize: 256,
  optimizer: { name: 'momentum', lr: 0.1, momentum: 0.9 },
  weightDecay: 1e-4,
  initializer: 'msra',
  dataset: SHAPES,
};

/** torchvision's ResNet stem: 7×7 stride-2 convolution of 64, BatchNorm, ReLU, 3×3 stride-2 max pooling (224 → 56). */
function resnetStem(n: Net): string {
  return n.chain(n.input('input', [3, 224, 224], 0.5), [
    ['conv1', 'Conv2D', conv(64, 7, { stride: 2, padding: 3, bias: false })],
    ['bn1', 'BatchNorm'],
    ['relu', 'ReLU'],
    ['maxpool', 'MaxPool2D', pool(3, 2, 1)],
  ], 0.5);
}

/** The ImageNet head: global average pooling, 1000 classes. */
function imagenetHead(n: Net, from: string, lane = 0.5): void {
  n.chain(from, [['avgpool', 'GlobalAvgPool'], ['fc', 'Dense', dense(1000)], ['softmax', 'Softmax']], lane);
}

const resnet18: PresetDef = {
  file: 'resnet18',
  name: 'ResNet-18',
  description: 'He et al. 2016 as torchvision builds it: a 7×7 stem, four stages of two basic blocks (64, 128, 256, 512; projection shortcuts where the shape changes), global average pooling; 224×224 RGB in, 1000 classes.',
  expectedParams: 11_689_512,
  build(n) {
    let x = resnetStem(n);
    [64, 128, 256, 512].forEach((filters, s) => {
      for (let b = 0; b < 2; b++) {
        const downsample = s > 0 && b === 0;
        x = basicBlock(n, x, `l${s + 1}_${b}_`, filters, downsample ? 2 : 1, downsample);
      }
    });
    imagenetHead(n, x);
  },
  training: TORCHVISION_TRAINING,
};

/** A bottleneck block (torchvision's v1.5: the stride on the 3×3); the shortcut a 1×1 projection where the shape changes. */
function bottleneck(n: Net, x: string, p: string, width: number, stride: number, project: boolean): string {
  const main = n.chain(x, [
    [`${p}conv1`, 'Conv2D', conv(width, 1, { bias: false })],
    [`${p}bn1`, 'BatchNorm'],
    [`${p}relu1`, 'ReLU'],
    [`${p}conv2`, 'Conv2D', conv(width, 3, { stride, padding: 1, bias: false })],
    [`${p}bn2`, 'BatchNorm'],
    [`${p}relu2`, 'ReLU'],
    [`${p}conv3`, 'Conv2D', conv(4 * width, 1, { bias: false })],
    [`${p}bn3`, 'BatchNorm'],
  ], 0);
  const shortcut = project
    ? n.chain(x, [[`${p}proj`, 'Conv2D', conv(4 * width, 1, { stride, bias: false })], [`${p}proj_bn`, 'BatchNorm']], 1)
    : x;
  return n.chain(n.add(`${p}add`, 'Add', {}, [main, shortcut], 0.5), [[`${p}relu3`, 'ReLU']]);
}

const resnet50: PresetDef = {
  file: 'resnet50',
  name: 'ResNet-50',
  description: 'He et al. 2016 as torchvision builds it (v1.5, stride on the 3×3): a 7×7 stem, 3, 4, 6 and 3 bottleneck blocks of width 64, 128, 256, 512, global average pooling; 224×224 RGB in, 1000 classes.',
  expectedParams: 25_557_032,
  build(n) {
    let x = resnetStem(n);
    ([[64, 3], [128, 4], [256, 6], [512, 3]] as const).forEach(([width, blocks], s) => {
      for (let b = 0; b < blocks; b++) x = bottleneck(n, x, `l${s + 1}_${b}_`, width, s > 0 && b === 0 ? 2 : 1, b === 0);
    });
    imagenetHead(n, x);
  },
  training: TORCHVISION_TRAINING,
};

const densenet121: PresetDef = {
  file: 'densenet121',
  name: 'DenseNet-121',
  description: 'Huang et al. 2017 as torchvision builds it: a 7×7 stem, dense blocks of 6, 12, 24 and 16 layers (growth 32, BN-ReLU-Conv 1×1 128-BN-ReLU-Conv 3×3 32, concatenated) with halving transitions, a final BatchNorm; 224×224 RGB in, 1000 classes.',
  expectedParams: 7_978_856,
  build(n) {
    let features = n.chain(n.input('input', [3, 224, 224], 0.5), [
      ['conv0', 'Conv2D', conv(64, 7, { stride: 2, padding: 3, bias: false })],
      ['norm0', 'BatchNorm'],
      ['relu0', 'ReLU'],
      ['pool0', 'MaxPool2D', pool(3, 2, 1)],
    ], 0.5);
    let channels = 64;
    [6, 12, 24, 16].forEach((layers, blk) => {
      const p = `b${blk + 1}_`;
      for (let i = 1; i <= layers; i++) {
        const h = n.chain(features, [
          [`${p}l${i}_norm1`, 'BatchNorm'],
          [`${p}l${i}_relu1`, 'ReLU'],
          [`${p}l${i}_conv1`, 'Conv2D', conv(128, 1, { bias: false })],
          [`${p}l${i}_norm2`, 'BatchNorm'],
          [`${p}l${i}_relu2`, 'ReLU'],
          [`${p}l${i}_conv2`, 'Conv2D', conv(32, 3, { padding: 1, bias: false })],
        ], 0);
        features = n.add(`${p}cat${i}`, 'Concat', {}, [features, h], 1);
        channels += 32;
      }
      if (blk < 3) {
        channels /= 2;
        features = n.chain(features, [
          [`t${blk + 1}_norm`, 'BatchNorm'],
          [`t${blk + 1}_relu`, 'ReLU'],
          [`t${blk + 1}_conv`, 'Conv2D', conv(channels, 1, { bias: false })],
          [`t${blk + 1}_pool`, 'AvgPool2D', pool(2)],
        ], 0.5);
      }
    });
    imagenetHead(n, n.chain(features, [['norm5', 'BatchNorm'], ['relu5', 'ReLU']], 0.5));
  },
  training: TORCHVISION_TRAINING,
};

/** torchvision's BasicConv2d: a convolution without bias, BatchNorm (epsilon 0.001), ReLU. */
function basicConv(n: Net, from: string, id: string, filters: number, k: number, lane: number, o: { stride?: number; padding?: number } = {}): string {
  return n.chain(from, [
    [id, 'Conv2D', conv(filters, k, { ...o, bias: false })],
    [`${id}_bn`, 'BatchNorm', { momentum: 0.1, epsilon: 0.001 }],
    [`${id}_relu`, 'ReLU'],
  ], lane);
}

/**
 * One inception module as torchvision builds it: 1×1 | 1×1 → 3×3 | 1×1 → 3×3 (torchvision's
 * "5×5" branch is a 3×3, kept for its pretrained weights) | 3×3 max pooling → 1×1, concatenated.
 */
function inceptionModule(n: Net, x: string, p: string, c: readonly [number, number, number, number, number, number]): string {
  const [c1, r3, c3, r5, c5, proj] = c;
  const b1 = basicConv(n, x, `${p}b1`, c1, 1, 0);
  const b2 = basicConv(n, basicConv(n, x, `${p}b2r`, r3, 1, 1), `${p}b2`, c3, 3, 1, { padding: 1 });
  const b3 = basicConv(n, basicConv(n, x, `${p}b3r`, r5, 1, 2), `${p}b3`, c5, 3, 2, { padding: 1 });
  const b4 = basicConv(n, n.add(`${p}b4_pool`, 'MaxPool2D', pool(3, 1, 1), x, 3), `${p}b4`, proj, 1, 3);
  return n.add(`${p}cat`, 'Concat', {}, [b1, b2, b3, b4], 1.5);
}

const googlenet: PresetDef = {
  file: 'googlenet',
  name: 'GoogLeNet',
  description: "Szegedy et al. 2015 as torchvision builds it, without the auxiliary classifiers: BatchNorm after every convolution, nine inception modules, ceil-mode max pooling (here 'same'), global average pooling, dropout 0.2; 224×224 RGB in, 1000 classes.",
  expectedParams: 6_624_904,
  build(n) {
    let x = n.input('input', [3, 224, 224], 1.5);
    x = basicConv(n, x, 'conv1', 64, 7, 1.5, { stride: 2, padding: 3 });
    // ceil_mode=True pooling: 'same' gives the same windows (the extra one at the end, never padding before)
    x = n.add('maxpool1', 'MaxPool2D', pool(3, 2, 'same'), x, 1.5);
    x = basicConv(n, x, 'conv2', 64, 1, 1.5);
    x = basicConv(n, x, 'conv3', 192, 3, 1.5, { padding: 1 });
    x = n.add('maxpool2', 'MaxPool2D', pool(3, 2, 'same'), x, 1.5);
    x = inceptionModule(n, x, 'i3a_', [64, 96, 128, 16, 32, 32]);
    x = inceptionModule(n, x, 'i3b_', [128, 128, 192, 32, 96, 64]);
    x = n.add('maxpool3', 'MaxPool2D', pool(3, 2, 'same'), x, 1.5);
    x = inceptionModule(n, x, 'i4a_', [192, 96, 208, 16, 48, 64]);
    x = inceptionModule(n, x, 'i4b_', [160, 112, 224, 24, 64, 64]);
    x = inceptionModule(n, x, 'i4c_', [128, 128, 256, 24, 64, 64]);
    x = inceptionModule(n, x, 'i4d_', [112, 144, 288, 32, 64, 64]);
    x = inceptionModule(n, x, 'i4e_', [256, 160, 320, 32, 128, 128]);
    x = n.add('maxpool4', 'MaxPool2D', pool(2, 2, 'same'), x, 1.5);
    x = inceptionModule(n, x, 'i5a_', [256, 160, 320, 32, 128, 128]);
    x = inceptionModule(n, x, 'i5b_', [384, 192, 384, 48, 128, 128]);
    n.chain(x, [['avgpool', 'GlobalAvgPool'], ['dropout', 'Dropout', dropout(0.2)], ['fc', 'Dense', dense(1000)], ['softmax', 'Softmax']], 1.5);
  },
  training: TORCHVISION_TRAINING,
};

// ---------------------------------------------------------------- the seed's own networks

const seedMnist: PresetDef = {
  file: 'seed-mnist-cnn',
  name: 'MNIST CNN (seed table 18-5)',
  description: 'The seed’s MNIST network: two 5×5 convolutions of 8 and 16 with max pooling, Dense 32 with BatchNorm, 10 classes; 28×28 grey in.',
  expectedParams: 12_042,
  build(n) {
    n.chain(n.input('input', [1, 28, 28]), [
      ['conv1', 'Conv2D', conv(8, 5)],
      ['relu1', 'ReLU'],
      ['pool1', 'MaxPool2D', pool(2)],
      ['conv2', 'Conv2D', conv(16, 5)],
      ['relu2', 'ReLU'],
      ['pool2', 'MaxPool2D', pool(2)],
      ['flatten', 'Flatten'],
      ['fc1', 'Dense', dense(32)],
      ['bn1', 'BatchNorm'],
      ['relu3', 'ReLU'],
      ['fc2', 'Dense', dense(10)],
      ['softmax', 'Softmax'],
    ]);
  },
  training: { epochs: 5, batchSize: 64, optimizer: { name: 'momentum', lr: 0.1, momentum: 0.9 }, weightDecay: 0, initializer: 'msra', dataset: MNIST },
};

const seedFashion: PresetDef = {
  file: 'seed-fashion-mnist-dnn',
  name: 'Fashion-MNIST DNN (seed 18.5.2)',
  description: 'The seed’s fully-connected Fashion-MNIST network: FC 128 → BN → ReLU → FC 64 → BN → ReLU → FC 10; 28×28 grey in.',
  expectedParams: 109_770,
  build(n) {
    n.chain(n.input('input', [1, 28, 28]), [
      ['flatten', 'Flatten'],
      ['fc1', 'Dense', dense(128)],
      ['bn1', 'BatchNorm'],
      ['relu1', 'ReLU'],
      ['fc2', 'Dense', dense(64)],
      ['bn2', 'BatchNorm'],
      ['relu2', 'ReLU'],
      ['fc3', 'Dense', dense(10)],
      ['softmax', 'Softmax'],
    ]);
  },
  training: { epochs: 10, batchSize: 128, optimizer: { name: 'momentum', lr: 0.1, momentum: 0.9 }, weightDecay: 0, initializer: 'msra', dataset: FASHION },
};

const seedCifar: PresetDef = {
  file: 'seed-cifar10-keras',
  name: 'CIFAR-10 Keras CNN (seed 18.6.3)',
  description: 'The seed’s Keras CIFAR-10 network: two stages of two 3×3 convolutions (32, 64) with max pooling and dropout, Dense 512, 10 classes; 32×32 RGB in.',
  expectedParams: 1_250_858,
  build(n) {
    n.chain(n.input('input', [3, 32, 32]), [
      ['conv1', 'Conv2D', conv(32, 3, { padding: 'same' })],
      ['relu1', 'ReLU'],
      ['conv2', 'Conv2D', conv(32, 3)],
      ['relu2', 'ReLU'],
      ['pool1', 'MaxPool2D', pool(2)],
      ['drop1', 'Dropout', dropout(0.25)],
      ['conv3', 'Conv2D', conv(64, 3, { padding: 'same' })],
      ['relu3', 'ReLU'],
      ['conv4', 'Conv2D', conv(64, 3)],
      ['relu4', 'ReLU'],
      ['pool2', 'MaxPool2D', pool(2)],
      ['drop2', 'Dropout', dropout(0.25)],
      ['flatten', 'Flatten'],
      ['fc1', 'Dense', dense(512)],
      ['relu5', 'ReLU'],
      ['drop3', 'Dropout', dropout(0.5)],
      ['fc2', 'Dense', dense(10)],
      ['softmax', 'Softmax'],
    ]);
  },
  // keras.optimizers.rmsprop(lr=0.0001): Keras's rho 0.9 and epsilon 1e-7; Glorot-uniform init.
  // data_augmentation = True in the seed: Keras's example shifts by 10% (≈ 3 px) and flips.
  training: {
    epochs: 25,
    batchSize: 32,
    optimizer: { name: 'rmsprop', lr: 1e-4, rho: 0.9, epsilon: 1e-7 },
    weightDecay: 0,
    initializer: 'xavier',
    dataset: SHAPES,
    augmentation: { randomCrop: 3, flipHorizontal: true },
  },
};

const seedKernelFit: PresetDef = {
  file: 'seed-kernel-fit',
  name: 'Kernel fitting (seed 17.3.7)',
  description: 'Learn a 3×3 edge-detection kernel from an 80×80 image and its filtered version: one bias-free convolution trained on mean squared error.',
  expectedParams: 9,
  build(n) {
    n.chain(n.input('input', [1, 80, 80]), [
      ['conv', 'Conv2D', conv(1, 3, { bias: false })],
      ['regression', 'Regression'],
    ]);
  },
  // The seed steps w ← w − 0.5·dW/m on ½·mean((z−y)²): that is SGD with lr 0.25 on
  // mean((z−y)²). One image pair, so an epoch is one step; the seed stops after 3,460, and
  // from a zero kernel the built-in pair gets under MSE 1e-7 in about 3,200.
  training: {
    epochs: 4000,
    batchSize: 1,
    optimizer: { name: 'sgd', lr: 0.25 },
    weightDecay: 0,
    initializer: 'zeros',
    dataset: { source: 'builtin', name: 'kernel-fit' },
  },
};

/** Gallery order: the classics by year, the building blocks, then the seed's own networks. */
const PRESETS: readonly PresetDef[] = [
  lenet5, alexnet, zfnet, vgg16, googlenet, resnet18, resnet50, densenet121, vggBlock, inception,
  resnetBasic, resnetProjection, resnetBottleneck, resnet8, densenet,
  seedMnist, seedFashion, seedCifar, seedKernelFit,
];

export function buildPresets(): Promise<{ file: string; expectedParams: number; project: PresetFile }[]> {
  return Promise.all(PRESETS.map(async (p) => {
    const net = new Net();
    p.build(net);
    return {
      file: `${p.file}.convas.json`,
      expectedParams: p.expectedParams,
      project: {
        format: 'convas-project',
        version: 1,
        name: p.name,
        description: p.description,
        graph: { nodes: net.nodes, edges: net.edges },
        layout: await net.layout(),
        training: p.training,
      },
    };
  }));
}

/** One-line JSON with a space after each comma and colon, as the hand-written fixtures read. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

const isRecord = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A list of records (nodes, edges) or a record of them (graph, layout): one entry per line. */
const isListing = (v: unknown[]): boolean => v.length > 0 && v.every((c) => isRecord(c) || (Array.isArray(c) && isListing(c)));

/**
 * JSON with one node, edge or layout entry per line: listings are always broken up, any
 * other value that fits in 160 characters stays on one line.
 */
export function formatJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const children = Array.isArray(value) ? value : Object.values(value);
  const flat = inline(value);
  if (!isListing(children) && flat.length + indent.length <= 160) return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

export const PRESET_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'presets');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(PRESET_DIR, { recursive: true });
  for (const { file, expectedParams, project } of await buildPresets()) {
    writeFileSync(join(PRESET_DIR, file), formatJson(project) + '\n');
    console.log(`${file}: ${project.graph.nodes.length} nodes, ${expectedParams.toLocaleString('en-US')} parameters expected`);
  }
}
