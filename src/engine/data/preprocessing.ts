/**
 * The preprocessing record: how a run turned the data's own values into the network's input —
 * the normalisation mode and its per-channel statistics, the input layout and the units the raw
 * values are in — and, for classifiers, what its output indices name (the data's class names). Training writes it with the weights (weights file, project, checkpoint);
 * inference (`convas infer`, the app's predictions, exports) applies the same map, so a trained
 * network is always fed what it was trained on.
 *
 * Pure and gpu-free: the pipeline, the CLI, the worker and the exporters all share it.
 */
import { z } from 'zod';
import { NormalizeSchema, type NormalizeMode } from '../io/settings';
import type { Dataset } from './types';

/** Per-channel affine map: `x' = (x − mean[c]) / std[c]` over C×H×W (or one channel for flat inputs). */
export interface Normalization {
  mean: number[];
  std: number[];
}

const positive = z.number().positive().refine(Number.isFinite, 'must be finite');

export const PreprocessingSchema = z
  .strictObject({
    /** Memory layout of a batch: `NCHW` for images (C×H×W per sample), `NF` for flat feature vectors. */
    layout: z.enum(['NCHW', 'NF']),
    /** One sample's shape, without the batch dimension. */
    inputShape: z.array(z.number().int().min(1)).min(1),
    /** What the raw values are, in words: e.g. "pixel values in [0, 1] (stored byte ÷ 255)". */
    inputUnits: z.string().min(1).max(200),
    /** The run's normalize setting, for people; the map itself is mean/std. */
    normalize: NormalizeSchema,
    /** One value per channel (C for images, 1 for flat inputs). */
    mean: z.array(z.number()).min(1),
    std: z.array(positive).min(1),
    /**
     * The data's class names in label order (output i of the classifier is `classes[i]`); absent
     * for regression data and in records written before names were kept (those print indices).
     */
    classes: z.array(z.string().min(1).max(200)).min(1).max(100_000).optional(),
  })
  .superRefine((p, ctx) => {
    const channels = channelsOf(p.inputShape).channels;
    if (p.layout === 'NCHW' && p.inputShape.length !== 3) ctx.addIssue({ code: 'custom', path: ['inputShape'], message: `layout NCHW needs a C×H×W input shape, got [${p.inputShape.join(', ')}]` });
    if (p.layout === 'NF' && p.inputShape.length === 3) ctx.addIssue({ code: 'custom', path: ['layout'], message: `a C×H×W input shape has layout NCHW, not NF` });
    for (const f of ['mean', 'std'] as const) {
      if (p[f].length !== channels) ctx.addIssue({ code: 'custom', path: [f], message: `has ${p[f].length} values; the input [${p.inputShape.join(', ')}] has ${channels} channel${channels > 1 ? 's' : ''}` });
    }
  });
export type Preprocessing = z.output<typeof PreprocessingSchema>;

/** Channels and values per channel of one sample: C×H×W images per channel, anything else as one. */
export function channelsOf(shape: readonly number[]): { channels: number; plane: number } {
  return shape.length === 3 ? { channels: shape[0], plane: shape[1] * shape[2] } : { channels: 1, plane: shape.reduce((a, b) => a * b, 1) };
}

/** Normalise `count` samples of `x` in place (the pipeline's hot path; no copy). */
export function normalizeInPlace(norm: Normalization, inputShape: readonly number[], x: Float32Array, count: number): void {
  const { channels, plane } = channelsOf(inputShape);
  const per = channels * plane;
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < channels; c++) {
      const m = norm.mean[c];
      const inv = 1 / norm.std[c];
      const base = s * per + c * plane;
      for (let i = 0; i < plane; i++) x[base + i] = (x[base + i] - m) * inv;
    }
  }
}

/** What one raw value stands for, in words, from what the dataset says about itself. */
export function inputUnitsOf(d: Pick<Dataset, 'rawScale' | 'inputShape'>): string {
  if (d.rawScale === 255) return 'pixel values in [0, 1] (stored byte ÷ 255)';
  if (d.inputShape.length === 3) return 'pixel values in [0, 1]';
  return 'values as the dataset gives them';
}

/** The record of a run: its mode and the statistics its pipeline used (none: the identity). */
export function preprocessingFor(d: Pick<Dataset, 'rawScale' | 'inputShape'> & { classes?: readonly string[] | null }, normalize: NormalizeMode, norm: Normalization | null): Preprocessing {
  const { channels } = channelsOf(d.inputShape);
  return {
    layout: d.inputShape.length === 3 ? 'NCHW' : 'NF',
    inputShape: [...d.inputShape],
    inputUnits: inputUnitsOf(d),
    normalize,
    mean: norm ? [...norm.mean] : new Array<number>(channels).fill(0),
    std: norm ? [...norm.std] : new Array<number>(channels).fill(1),
    ...(d.classes?.length ? { classes: [...d.classes] } : {}),
  };
}

/** The name of output index `index` when the record knows it (and it is more than the index itself). */
export function className(record: Pick<Preprocessing, 'classes'> | null | undefined, index: number): string | null {
  const name = record?.classes?.[index];
  return name !== undefined && name !== String(index) ? name : null;
}

/**
 * Apply a record to a batch `{ shape: [N, ...inputShape], data }` in the data's own units;
 * returns a new tensor (the input is left as it is). Throws when the batch does not fit the
 * record, naming both shapes.
 */
export function applyPreprocessing(record: Preprocessing, tensor: { shape: readonly number[]; data: Float32Array }): { shape: number[]; data: Float32Array } {
  const sample = record.inputShape;
  const fits = tensor.shape.length === sample.length + 1 && sample.every((d, i) => d === tensor.shape[i + 1]);
  const per = sample.reduce((a, b) => a * b, 1);
  if (!fits || tensor.data.length !== tensor.shape[0] * per) {
    throw new Error(`preprocessing: the batch is ${tensor.shape.join('×')} (${tensor.data.length} values), the record expects N×${sample.join('×')}`);
  }
  const data = tensor.data.slice();
  normalizeInPlace(record, sample, data, tensor.shape[0]);
  return { shape: [...tensor.shape], data };
}
