/**
 * The names and schemas every process shares — backends, optimizers, initializers,
 * normalisation, augmentation and the one set of training-hyperparameter limits — in a leaf
 * that imports nothing but zod (and the optimizer table, itself a leaf). The project file (io/project.ts), the worker protocol
 * (worker/protocol.ts), the renderer's settings panel, Electron main and the CLI read these;
 * none of them may load gpu.js to learn a name (lint rule in eslint.config.js).
 */
import { z } from 'zod';
import { OPTIMIZERS, type OptimizerName } from './optimizer-table';

/** gpu.js backends a user can ask for (`auto`: the best that really runs; see backend/device.ts). */
export const BACKENDS = ['auto', 'webgpu', 'webgl2', 'webasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** The optimizers are one table (io/optimizer-table.ts: names, labels, slots, defaults, fields). */
export { OPTIMIZERS, type OptimizerName };

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** L2 penalty added to the gradient (PyTorch `weight_decay`). */
  weightDecay?: number;
  /** Momentum μ (momentum, nesterov; default 0.9). */
  momentum?: number;
  /** RMSprop smoothing α (PyTorch default 0.99; Keras calls it rho, 0.9). */
  rho?: number;
  beta1?: number;
  beta2?: number;
  /** Default 1e-8 (RMSprop, Adam). */
  epsilon?: number;
}

export const INITIALIZERS = ['xavier', 'msra', 'normal', 'zeros'] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

/** `unit`: pixels in [0, 1]; `standardize`: per-channel zero mean, unit variance; `none`: values as stored (bytes 0–255). */
export const NORMALIZE_MODES = ['unit', 'standardize', 'none'] as const;
export type NormalizeMode = (typeof NORMALIZE_MODES)[number];

/**
 * One limit per hyperparameter, for the project file and the worker alike. Epochs go high
 * because the seed's kernel fit (17.3.7) runs thousands of one-step epochs.
 */
export const LIMITS = {
  epochs: 10_000_000,
  batchSize: 65_536,
  lr: 1e3,
  randomCrop: 64,
} as const;

const unitOpen = z.number().min(0).lt(1);

export const OptimizerSchema = z.strictObject({
  name: z.enum(OPTIMIZERS),
  lr: z.number().positive().max(LIMITS.lr),
  /** Momentum μ (momentum optimizer). */
  momentum: unitOpen.optional(),
  /** RMSprop smoothing α (PyTorch's `alpha`). */
  rho: unitOpen.optional(),
  beta1: unitOpen.optional(),
  beta2: unitOpen.optional(),
  epsilon: z.number().positive().max(1).optional(),
});

export const AugmentationSchema = z.strictObject({
  /** Pad by this many pixels, then crop back to the input size at a random offset; 0 = off. */
  randomCrop: z.number().int().min(0).max(LIMITS.randomCrop).default(0),
  flipHorizontal: z.boolean().default(false),
});

export const NormalizeSchema = z.enum(NORMALIZE_MODES);
export const EpochsSchema = z.number().int().min(1).max(LIMITS.epochs);
export const BatchSizeSchema = z.number().int().min(1).max(LIMITS.batchSize);

/**
 * The hyperparameters a project stores and a run receives, with their defaults. The project
 * adds where the data comes from; the protocol adds how the worker reports and checkpoints.
 */
export const TrainingCoreFields = {
  epochs: EpochsSchema.default(10),
  batchSize: BatchSizeSchema.default(64),
  optimizer: OptimizerSchema.default({ name: 'momentum', lr: 0.01, momentum: 0.9 }),
  weightDecay: z.number().min(0).max(1).default(0),
  initializer: z.enum(INITIALIZERS).default('msra'),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  /** Held-out fraction when the data has no test split. */
  validationSplit: unitOpen.default(0.1),
  shuffle: z.boolean().default(true),
  augmentation: AugmentationSchema.prefault({}),
  backend: z.enum(BACKENDS).default('auto'),
};
