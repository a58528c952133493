/**
 * ONNX import off the page's main thread: the file's bytes go to a module web worker
 * (src/engine/io/import/import-worker.ts) that runs the engine's importer and layout; the project
 * text, summary and weights come back (the tensors' buffers transferred). One worker per import,
 * ended when it answers. The same code runs in the browser build and in Electron's renderer.
 */
import type { WeightsJson } from '../../engine/io/weights';
import type { ImportJob, ImportJobResult } from '../../engine/io/import/import-job';
import { tensorsToWeightsJson } from '../../engine/io/import/weights-json';

export interface WorkerImport {
  /** The project file's JSON text: graph, layout, description; no weights. */
  projectText: string;
  summary: string;
  weights: WeightsJson;
}

/** Let the page paint and take input between pieces of main-thread work. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function runInWorker(job: ImportJob): Promise<ImportJobResult> {
  const worker = new Worker(new URL('../../engine/io/import/import-worker.ts', import.meta.url), { type: 'module', name: 'convas-onnx-import' });
  return new Promise<ImportJobResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<ImportJobResult>) => resolve(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`the import worker failed: ${e.message || 'its script did not load or threw'}`));
    };
    worker.onmessageerror = () => reject(new Error('the import worker sent a message that could not be read'));
    // the bytes move to the worker (the page does not need them again)
    const own = job.bytes.byteOffset === 0 && job.bytes.byteLength === job.bytes.buffer.byteLength ? job.bytes : job.bytes.slice();
    worker.postMessage({ ...job, bytes: own }, [own.buffer as ArrayBuffer]);
  }).finally(() => worker.terminate());
}

/** Import `fileName`'s bytes in a worker; the importer's own message when it refuses the file. */
export async function importOnnxInWorker(bytes: Uint8Array, fileName: string): Promise<WorkerImport> {
  const result = await runInWorker({ bytes, fileName });
  if (!result.ok) {
    const error = new Error(result.error.message);
    error.name = result.error.name;
    throw error;
  }
  return { projectText: result.projectText, summary: result.summary, weights: await tensorsToWeightsJson(result.tensors, { pause: nextTask }) };
}
