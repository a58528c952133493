/**
 * The one registry of layer types. Add a layer: write its file, add one line here. Nothing else
 * in the code base switches on layer type.
 */
import type { LayerSpec } from './spec';
import { Input } from './input';
import { Conv2D } from './conv2d';
import { ReLU } from './relu';
import { MaxPool2D } from './maxpool2d';
import { AvgPool2D } from './avgpool2d';
import { GlobalAvgPool } from './globalavgpool';
import { Flatten } from './flatten';
import { Dense } from './dense';
import { Add } from './add';
import { Concat } from './concat';
import { LeakyReLU } from './leakyrelu';
import { Sigmoid } from './sigmoid';
import { Tanh } from './tanh';
import { Softmax } from './softmax';
import { Regression } from './regression';
import { BatchNorm } from './batchnorm';
import { Dropout } from './dropout';
import { LRN } from './lrn';
import { ELU } from './elu';

export const LAYERS: readonly LayerSpec[] = [
  Input,
  Conv2D,
  ReLU,
  MaxPool2D,
  AvgPool2D,
  GlobalAvgPool,
  Flatten,
  Dense,
  Add,
  Concat,
  LeakyReLU,
  Sigmoid,
  Tanh,
  Softmax,
  Regression,
  BatchNorm,
  Dropout,
  LRN,
  ELU,
];

const byType = new Map(LAYERS.map((l) => [l.type, l]));

export function getLayer(type: string): LayerSpec | undefined {
  return byType.get(type);
}

export const LAYER_TYPES = LAYERS.map((l) => l.type);
