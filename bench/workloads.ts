/**
 * The bench's networks as Convas Graph IR — the one definition every engine builds from (Convas
 * compiles it, the TF.js peer maps it to tf.layers, the PyTorch peer to nn modules).
 */
import { readFileSync } from 'node:fs';
import type { Graph, GraphNode } from '../src/engine/graph/types';
import type { OptimizerConfig } from '../src/engine/train/optimizers';

export const WORKLOAD_NAMES = ['mnist-cnn', 'cifar-keras', 'vgg16-224', 'resnet8'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface Workload {
  name: WorkloadName;
  title: string;
  graph: Graph;
  batch: number;
  optimizer: OptimizerConfig;
  /** Measured on a GPU only (a step takes too long on a CPU or a software adapter). */
  gpuOnly?: boolean;
  /** Peers that cannot build this network, with the reason (printed as a skip line). */
  unsupported?: { tfjs?: string };
}

/** A chain of layers: ids are `<type lower-case><n>`, edges link each node to the next. */
export function chainGraph(layers: { type: string; params?: Record<string, unknown> }[]): Graph {
  const counts = new Map<string, number>();
  const nodes: GraphNode[] = layers.map((l) => {
    const n = (counts.get(l.type) ?? 0) + 1;
    counts.set(l.type, n);
    return { id: `${l.type.toLowerCase()}${n}`, type: l.type, params: l.params ?? {} };
  });
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id, port: 0 }));
  return { nodes, edges };
}

const conv = (filters: number, k: number, padding: 'same' | 'valid' = 'valid') => ({ type: 'Conv2D', params: { filters, kernelSize: [k, k], padding } });
const relu = { type: 'ReLU' };
const pool2 = { type: 'MaxPool2D', params: { poolSize: [2, 2] } };
const dense = (units: number) => ({ type: 'Dense', params: { units } });
const dropout = (rate: number) => ({ type: 'Dropout', params: { rate } });

/** W1: the seed's MNIST CNN, table 18-5. */
export const MNIST_CNN: Workload = {
  name: 'mnist-cnn',
  title: "seed's MNIST CNN (table 18-5)",
  graph: chainGraph([
    { type: 'Input', params: { shape: [1, 28, 28] } },
    conv(8, 5),
    relu,
    pool2,
    conv(16, 5),
    relu,
    pool2,
    { type: 'Flatten' },
    dense(32),
    { type: 'BatchNorm' },
    relu,
    dense(10),
    { type: 'Softmax' },
  ]),
  batch: 64,
  optimizer: { name: 'momentum', lr: 0.1, momentum: 0.9 },
};

/**
 * W2: the seed's CIFAR-10 Keras network (18.6.3). RMSprop with Keras's ρ = 0.9 on every engine
 * (PyTorch's default would be 0.99; the step costs the same either way).
 */
export const CIFAR_KERAS: Workload = {
  name: 'cifar-keras',
  title: "seed's CIFAR-10 Keras network (18.6.3)",
  graph: chainGraph([
    { type: 'Input', params: { shape: [3, 32, 32] } },
    conv(32, 3, 'same'),
    relu,
    conv(32, 3),
    relu,
    pool2,
    dropout(0.25),
    conv(64, 3, 'same'),
    relu,
    conv(64, 3),
    relu,
    pool2,
    dropout(0.25),
    { type: 'Flatten' },
    dense(512),
    relu,
    dropout(0.5),
    dense(10),
    { type: 'Softmax' },
  ]),
  batch: 32,
  optimizer: { name: 'rmsprop', lr: 1e-4, rho: 0.9, epsilon: 1e-8 },
};

/** VGG-16 at ImageNet size (224×224, 1000 classes), batch 8, SGD momentum as torchvision trains it. */
export const VGG16_224: Workload = {
  name: 'vgg16-224',
  title: 'VGG-16 (configuration D), 224×224, 1000 classes',
  graph: vgg16Graph(224, 1000),
  batch: 8,
  optimizer: { name: 'momentum', lr: 0.01, momentum: 0.9 },
  gpuOnly: true,
};

function presetGraph(file: string): { graph: Graph; batch: number; optimizer: OptimizerConfig } {
  const text = readFileSync(new URL(`../resources/presets/${file}`, import.meta.url), 'utf8');
  const p = JSON.parse(text) as { graph: Graph; training: { batchSize: number; optimizer: OptimizerConfig; weightDecay?: number } };
  return { graph: p.graph, batch: p.training.batchSize, optimizer: { ...p.training.optimizer, weightDecay: p.training.weightDecay } };
}

/** ResNet-8 as the preset gallery has it (CIFAR size), with the preset's batch and optimizer. */
export const RESNET8: Workload = {
  name: 'resnet8',
  title: 'ResNet-8 (the CIFAR preset)',
  ...presetGraph('resnet8-cifar.convas.json'),
  gpuOnly: true,
  unsupported: { tfjs: 'the TF.js peer maps chains of tf.layers only; ResNet-8 has residual Add merges' },
};

export const WORKLOADS: Record<WorkloadName, Workload> = { 'mnist-cnn': MNIST_CNN, 'cifar-keras': CIFAR_KERAS, 'vgg16-224': VGG16_224, resnet8: RESNET8 };

/** VGG-16 (configuration D) on 224×224×3 with 1000 classes: the shape-check timing's graph. */
export function vgg16Graph(inputSize = 224, classes = 1000): Graph {
  const layers: { type: string; params?: Record<string, unknown> }[] = [{ type: 'Input', params: { shape: [3, inputSize, inputSize] } }];
  for (const [filters, convs] of [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ]) {
    for (let i = 0; i < convs; i++) layers.push(conv(filters, 3, 'same'), relu);
    layers.push(pool2);
  }
  layers.push({ type: 'Flatten' }, dense(4096), relu, dropout(0.5), dense(4096), relu, dropout(0.5), dense(classes), { type: 'Softmax' });
  return chainGraph(layers);
}

/** VGG-16's published parameter count (Simonyan & Zisserman, configuration D; torchvision agrees). */
export const VGG16_PARAMS = 138_357_544;
