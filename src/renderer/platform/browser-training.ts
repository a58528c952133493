/**
 * Training in the browser build: each run gets a dedicated module Web Worker running the
 * engine's web-host.ts (never the page's thread). Files the user picks are read into this
 * page's memory (gzip unpacked) and handed to the worker as bytes; runs and their latest
 * checkpoint (sent by the worker with each checkpoint event) are kept in IndexedDB, so a run
 * resumes after a reload — file data must then be picked again, built-in sets regenerate.
 */
import { MEMORY_PREFIX, openMemoryData, type MemoryData, type MemoryFile } from '../../engine/data/memory';
import type { DatasetRef } from '../../engine/data/ref';
import { command } from '../../engine/worker/protocol';
import { decodeImageFolder } from './browser-images';
import { isWeightsBinary } from '../../engine/io/weights-binary';
import { fileText } from './file-text';
import { CHECKPOINTS, idbDelete, idbGet, idbHas, idbAll, idbPut, RUNS } from './idb';
import { ChannelRunHandle } from './training-client';
import type { DataChoice, DataFormat, DataPreview, RunHandle, RunRecord, StartRequest, TrainingPlatform } from './training';
import { previewDataset } from '../../engine/data/preview';
import { describeBuiltin } from './training-data';

/** Data read from file inputs during this page's life, by token. */
const chosen = new Map<string, { files: MemoryFile[]; format: DataFormat | null; label: string; decoded?: Map<string, MemoryData> }>();
let tokenCounter = 0;

function pickFiles(opts: { directory: boolean; accept?: string }): Promise<File[] | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    if (opts.accept) input.accept = opts.accept;
    if (opts.directory) input.webkitdirectory = true;
    input.style.display = 'none';
    input.dataset.testid = 'training-file-input';
    input.addEventListener('change', () => {
      resolve(input.files ? [...input.files] : null);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve(null);
      input.remove();
    });
    document.body.appendChild(input);
    input.click();
  });
}

async function readBytes(file: File): Promise<Uint8Array> {
  if (!file.name.endsWith('.gz')) return new Uint8Array(await file.arrayBuffer());
  try {
    const stream = file.stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${file.name}: cannot unpack gzip data: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const relPath = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;

function folderLabel(files: File[]): string {
  const first = relPath(files[0]);
  return first.includes('/') ? first.split('/')[0] : files.length === 1 ? files[0].name : `${files.length} files`;
}

/** The data as the worker (and the preview) open it; images are decoded once per Input shape. */
async function memoryData(token: string, inputShape: readonly number[] | null): Promise<MemoryData> {
  const c = chosen.get(token);
  if (!c) throw new Error('the chosen files are no longer in this page (it was reloaded): choose them again');
  if (c.format !== 'image-folder') return { format: c.format as 'idx' | 'cifar10' | null, label: c.label, files: c.files };
  const shape = inputShape ?? [3, 32, 32];
  const key = shape.join('x');
  c.decoded ??= new Map();
  let d = c.decoded.get(key);
  if (!d) {
    d = { format: 'image-folder', label: c.label, images: await decodeImageFolder(c.files, shape, c.label) };
    c.decoded.set(key, d);
  }
  return d;
}

function browserStart(req: StartRequest, checkpoint: Uint8Array | undefined): Promise<RunHandle> {
  const worker = new Worker(new URL('../../engine/worker/web-host.ts', import.meta.url), { type: 'module', name: `convas-training-${req.runId}` });
  const handle = new ChannelRunHandle(req.runId);
  let ended = false;
  const sink = handle.attach({
    send: (cmd) => worker.postMessage(cmd),
    close: () => {
      worker.terminate();
      end(true, 'the training worker was closed');
    },
  });
  const end = (expected: boolean, message: string) => {
    if (ended) return;
    ended = true;
    sink.exit({ expected, message });
  };
  worker.onmessage = (e) => {
    const raw = e.data as { type?: string; bytes?: Uint8Array; reason?: string } | null;
    // The checkpoint's bytes go to IndexedDB here, before anyone listening sees the event.
    if (raw?.type === 'checkpoint' && raw.bytes instanceof Uint8Array) {
      void idbPut(CHECKPOINTS, raw.bytes, req.runId).catch(() => undefined);
    }
    sink.message(raw);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    worker.terminate();
    end(false, `the training worker crashed: ${e.message || 'unknown error (the worker script failed to load or threw)'}`);
  };
  worker.onmessageerror = () => end(false, 'the training worker sent a message that could not be read');
  return (async () => {
    let ref: DatasetRef;
    if (req.data.kind === 'builtin') ref = req.data.ref;
    else {
      const input = req.graph.nodes.find((n) => n.type === 'Input')?.params.shape;
      const data = await memoryData(req.data.token, Array.isArray(input) ? (input as number[]) : null);
      worker.postMessage({ type: 'provide-data', key: req.data.token, data });
      ref = { kind: 'folder', path: `${MEMORY_PREFIX}${req.data.token}` };
    }
    worker.postMessage(
      command({
        type: 'start',
        graph: req.graph,
        data: ref,
        hyper: { ...req.hyper, checkpointPath: null },
        ...(req.weights ? { weights: req.weights } : {}),
        ...(checkpoint ? { checkpoint } : {}),
        ...(req.preview ? { preview: true } : {}),
      }),
    );
    return handle;
  })();
}

export function browserTraining(): TrainingPlatform {
  return {
    chooseData: async (format) => {
      const files = await pickFiles({ directory: format === 'image-folder' || format === null, accept: format === 'image-folder' ? 'image/png,image/jpeg' : undefined });
      if (!files || files.length === 0) return null;
      const label = folderLabel(files);
      const read: MemoryFile[] = [];
      for (const f of files) {
        // image folders keep only images; the binary formats only what their readers look at
        if (format === 'image-folder' ? !/\.(png|jpe?g)$/i.test(f.name) : /\.(png|jpe?g)$/i.test(f.name)) continue;
        read.push({ name: relPath(f).replace(/\.gz$/, ''), bytes: await readBytes(f) });
      }
      const token = `data-${Date.now().toString(36)}-${++tokenCounter}`;
      chosen.set(token, { files: read, format, label });
      return { kind: 'files', format, label, token };
    },
    describeData: async (choice: DataChoice, inputShape): Promise<DataPreview> => {
      if (choice.kind === 'builtin') return describeBuiltin(choice, inputShape);
      // no shape check here: the panel compares the preview's shape with the Input itself
      return previewDataset(openMemoryData(await memoryData(choice.token, inputShape)));
    },
    start: async (req) => {
      let checkpoint: Uint8Array | undefined;
      if (req.resume) {
        checkpoint = await idbGet<Uint8Array>(CHECKPOINTS, req.runId);
        if (!checkpoint) throw new Error(`run ${req.runId} has no checkpoint kept in this browser to resume from`);
      }
      return browserStart(req, checkpoint);
    },
    listRuns: async () => (await idbAll<RunRecord>(RUNS)).sort((a, b) => b.createdAt - a.createdAt),
    saveRun: (record) => idbPut(RUNS, record),
    deleteRun: async (id) => {
      await idbDelete(RUNS, id);
      await idbDelete(CHECKPOINTS, id);
    },
    hasCheckpoint: (id) => idbHas(CHECKPOINTS, id),
    systemData: false,
    openWeights: async () => {
      const files = await pickFiles({ directory: false, accept: '.json,application/json,.safetensors' });
      const f = files?.[0];
      if (!f) return null;
      // binary weights stay bytes; JSON is decoded as checked UTF-8
      const head = new Uint8Array(await f.slice(0, 16).arrayBuffer());
      return { name: f.name, content: isWeightsBinary(head) ? new Uint8Array(await f.arrayBuffer()) : await fileText(f) };
    },
  };
}
