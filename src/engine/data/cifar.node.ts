/**
 * CIFAR-10's binary version as downloaded: `cifar-10-batches-bin/` with `data_batch_1..5.bin`,
 * `test_batch.bin` and `batches.meta.txt`. Each record is 1 label byte then 3×32×32 pixel bytes
 * (red plane, green, blue — already C×H×W). Records are read a chunk at a time by position.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeUtf8, JsonTextError } from '../io/json-text';
import { RecordFile, requireFile } from './files.node.js';
import { DatasetError, checkRange, concatSources, type Dataset, type SampleSource } from './types';

const SIDE = 32;
const PIXELS = 3 * SIDE * SIDE;
const RECORD = 1 + PIXELS;
const DEFAULT_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const FOLDER = 'cifar-10-batches-bin';

/** The batches folder: `dir` itself or its `cifar-10-batches-bin` child; null if neither. */
export function cifarFolder(dir: string): string | null {
  if (existsSync(join(dir, 'data_batch_1.bin'))) return dir;
  if (existsSync(join(dir, FOLDER, 'data_batch_1.bin'))) return join(dir, FOLDER);
  return null;
}

async function readClasses(dir: string): Promise<string[]> {
  const meta = join(dir, 'batches.meta.txt');
  if (!existsSync(meta)) return DEFAULT_CLASSES;
  requireFile(meta, 'a text file of class names');
  let text: string;
  try {
    text = decodeUtf8(await readFile(meta));
  } catch (e) {
    if (e instanceof JsonTextError) throw new DatasetError(e.message, meta);
    throw e;
  }
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== 10) throw new DatasetError(`expected 10 class names, one per line, found ${names.length}`, meta);
  return names;
}

async function openBatch(path: string, classes: number): Promise<{ file: RecordFile; source: SampleSource }> {
  if (!existsSync(path)) throw new DatasetError('missing: CIFAR-10 needs data_batch_1.bin … data_batch_5.bin and test_batch.bin', path);
  requireFile(path, 'a CIFAR-10 batch file');
  const { size } = await stat(path);
  if (size === 0 || size % RECORD !== 0) {
    throw new DatasetError(`truncated or not a CIFAR-10 batch: ${size} bytes is not a whole number of ${RECORD}-byte records (1 label + 3×32×32 pixels)`, path);
  }
  const count = size / RECORD;
  const file = await RecordFile.open(path, 0, RECORD, count, `${count} records`);
  const source: SampleSource = {
    length: count,
    async read(start, n) {
      checkRange(path, count, start, n);
      const bytes = await file.read(start, n);
      const x = new Float32Array(n * PIXELS);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const at = i * RECORD;
        if (bytes[at] >= classes) throw new DatasetError(`label ${bytes[at]} of record ${start + i} is outside 0–${classes - 1}`, path);
        y[i] = bytes[at];
        for (let k = 0; k < PIXELS; k++) x[i * PIXELS + k] = bytes[at + 1 + k] / 255;
      }
      return { x, y };
    },
  };
  return { file, source };
}

export async function openCifarDataset(dir: string): Promise<Dataset> {
  const folder = cifarFolder(dir);
  if (!folder) throw new DatasetError(`no ${FOLDER}/data_batch_1.bin here`, dir);
  const classes = await readClasses(folder);
  const opened: RecordFile[] = [];
  try {
    const parts: SampleSource[] = [];
    for (let i = 1; i <= 5; i++) {
      const b = await openBatch(join(folder, `data_batch_${i}.bin`), classes.length);
      opened.push(b.file);
      parts.push(b.source);
    }
    const test = await openBatch(join(folder, 'test_batch.bin'), classes.length);
    opened.push(test.file);
    return {
      name: `CIFAR-10 (${folder})`,
      inputShape: [3, SIDE, SIDE],
      classes,
      targetShape: [],
    rawScale: 255,
      train: concatSources(parts, PIXELS, 1),
      test: test.source,
      close: async () => {
        await Promise.all(opened.map((f) => f.close()));
      },
    };
  } catch (e) {
    await Promise.all(opened.map((f) => f.close()));
    throw e;
  }
}
