/**
 * The data-preview worker: a short-lived process that opens one dataset and describes it for
 * the data panel (counts, shape, classes, a strip of decoded samples). It exists so that main
 * never parses or decodes the user's data files itself: a malformed PNG or IDX file can crash
 * or exhaust only this process. Spawned by preview.ts as an Electron utilityProcess (or, in
 * tests, a forked child); answers one request and exits. No electron import: Electron provides
 * `parentPort` on `process`.
 */
import { z } from 'zod';
import { openDataset } from '../engine/data/open.node.js';
import { previewDataset, type DatasetPreview } from '../engine/data/preview';
import { DatasetRefSchema } from '../engine/data/ref';

const PreviewRequestSchema = z.strictObject({
  ref: DatasetRefSchema,
  inputShape: z.array(z.number().int().min(1).max(1 << 20)).min(1).max(4).nullable(),
});
export type PreviewRequest = z.infer<typeof PreviewRequestSchema>;
export type PreviewAnswer = { ok: true; preview: DatasetPreview } | { ok: false; message: string };

interface ParentPort {
  on(name: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

async function describe(raw: unknown): Promise<PreviewAnswer> {
  const req = PreviewRequestSchema.safeParse(raw);
  if (!req.success) return { ok: false, message: `data preview: bad request: ${req.error.issues[0].message}` };
  const { ref, inputShape } = req.data;
  // image folders are resized to the Input; other data keep their own shape, so the panel can
  // say when it does not fit
  const resize = ref.kind === 'shapes' || (ref.kind === 'folder' && ref.format === 'image-folder');
  try {
    const d = await openDataset(ref, resize && inputShape ? { inputShape } : {});
    try {
      return { ok: true, preview: await previewDataset(d) };
    } finally {
      await d.close?.();
    }
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

function main(): void {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  const post = (m: PreviewAnswer) => (parentPort ? parentPort.postMessage(m) : process.send?.(m));
  const onRequest = (raw: unknown) => {
    void describe(raw).then((answer) => {
      post(answer);
      // main ends this process once it has the answer; this is the fallback, after the answer left
      setTimeout(() => process.exit(0), 1000).unref();
    });
  };
  if (parentPort) parentPort.on('message', (e) => onRequest(e.data));
  else if (process.send) process.once('message', onRequest);
  else throw new Error('the data-preview worker must run as an Electron utility process or a forked child');
  process.on('disconnect', () => process.exit(0));
}

main();
