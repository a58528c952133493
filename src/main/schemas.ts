/**
 * zod schemas for every payload the renderer sends. The renderer is treated as untrusted: a
 * compromised page must not be able to write outside what a user picked in a dialog, so paths
 * are only accepted where main handed them out first (see ipc.ts).
 */
import { z } from 'zod';
import type { DocumentState, ExportRequest, NativeEditAction, RecoverySnapshot, SaveRequest } from '../preload/contract';

/** Projects are text; anything larger than this is not a hand-made network. */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;
/** Exported models (ONNX, Keras HDF5) carry every weight: VGG-16 is ~530 MB of float32. */
export const MAX_EXPORT_BYTES = 2 * 1024 * 1024 * 1024 - 1;

const content = z.string().max(MAX_CONTENT_BYTES);
const fileName = z.string().min(1).max(255).refine((s) => !/[\\/]/.test(s), 'must be a file name, not a path');
const filePath = z.string().min(1).max(4096);

export const SaveRequestSchema = z.strictObject({
  path: filePath.optional(),
  saveAs: z.boolean().optional(),
  suggestedName: fileName,
  content,
}) satisfies z.ZodType<SaveRequest>;

const exportBytes = z.custom<Uint8Array>((x) => x instanceof Uint8Array && x.byteLength <= MAX_EXPORT_BYTES, `must be text or a Uint8Array of at most ${MAX_EXPORT_BYTES} bytes`);

export const ExportRequestSchema = z.strictObject({
  suggestedName: fileName,
  content: z.union([content, exportBytes]),
  filter: z.strictObject({
    name: z.string().min(1).max(100),
    extensions: z.array(z.string().regex(/^[A-Za-z0-9.]{1,16}$/)).min(1).max(8),
  }),
}) satisfies z.ZodType<ExportRequest>;

export const RecoverySnapshotSchema = z.strictObject({
  content,
  path: filePath.nullable(),
  name: z.string().min(1).max(255),
  savedAt: z.number().int().nonnegative(),
}) satisfies z.ZodType<RecoverySnapshot>;

export const DocumentStateSchema = z.strictObject({
  name: z.string().min(1).max(255),
  path: filePath.nullable(),
  dirty: z.boolean(),
  modelExportable: z.boolean().optional(),
  document: z.number().int().nonnegative().optional(),
}) satisfies z.ZodType<DocumentState>;

export const NativeEditSchema = z.enum(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'delete']) satisfies z.ZodType<NativeEditAction>;

export const RecentPathSchema = filePath;

/** Parse a payload or throw an Error naming the channel and the first problem. */
export function validate<S extends z.ZodType>(channel: string, schema: S, payload: unknown): z.output<S> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'payload';
  throw new Error(`${channel}: ${where}: ${issue.message}`);
}
