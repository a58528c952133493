/**
 * zod schemas for the training channels. The renderer is untrusted: hyperparameters are the
 * worker protocol's own schema (minus where checkpoints go, which main decides), data folders
 * must be ones a dialog handed out, and run ids are plain names (they become folder names).
 */
import { z } from 'zod';
import { BuiltinRefSchema } from '../engine/data/ref';
import { HyperparametersSchema } from '../engine/worker/protocol';

/** A run id names a folder under userData/runs: letters, digits and dashes only. */
export const RunIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,79}$/, 'must be letters, digits and dashes (at most 80)');

const f32 = z.custom<Float32Array>((x) => x instanceof Float32Array, 'must be a Float32Array');
const DataFormatSchema = z.enum(['idx', 'cifar10', 'image-folder']);


export const DataChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('builtin'), ref: BuiltinRefSchema }),
  z.strictObject({ kind: z.literal('files'), format: DataFormatSchema.nullable(), label: z.string().max(500), token: z.string().min(1).max(4096) }),
]);

export const RunHyperSchema = HyperparametersSchema.omit({ checkpointPath: true });

export const StartRequestSchema = z.strictObject({
  runId: RunIdSchema,
  graph: z.unknown(),
  data: DataChoiceSchema,
  hyper: RunHyperSchema,
  weights: z.record(z.string(), f32).optional(),
  resume: z.boolean().optional(),
  preview: z.boolean().optional(),
});

const requestId = z.number().int().min(0);
export const RunCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.enum(['pause', 'resume', 'checkpoint']) }),
  z.strictObject({ type: z.literal('stop'), checkpoint: z.boolean() }),
  z.strictObject({ type: z.enum(['evaluate', 'getWeights']), requestId }),
  z.strictObject({ type: z.literal('infer'), requestId, x: f32.optional(), sample: z.number().int().min(0).optional() }),
  z.strictObject({ type: z.literal('saliency'), requestId, sample: z.number().int().min(0), classIndex: z.number().int().min(0).optional() }),
]);

export const DataFormatArgSchema = DataFormatSchema.nullable();
export const InputShapeSchema = z.array(z.number().int().min(1).max(1 << 20)).min(1).max(4).nullable();

/** Stored runs are the renderer's JSON: checked for what main relies on (id, name), bounded in size. */
export const MAX_RUN_BYTES = 32 * 1024 * 1024;
export const RunRecordSchema = z.looseObject({
  id: RunIdSchema,
  name: z.string().min(1).max(500),
  createdAt: z.number(),
  updatedAt: z.number(),
  status: z.enum(['starting', 'running', 'paused', 'stopped', 'completed', 'failed', 'interrupted']),
});
