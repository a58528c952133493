/**
 * Data held in memory, for hosts without a file system (the browser build): the same formats
 * the Node readers open from a folder — MNIST / Fashion-MNIST IDX files, CIFAR-10 binary
 * batches — parsed from bytes the page read through a file input, plus images the page already
 * decoded (an image folder: the page has the browser's decoders, the engine has none).
 * Gzip is unpacked by the page (DecompressionStream) before the bytes arrive here.
 *
 * A run names such data as `{ kind: 'folder', path: 'memory:<key>' }`, so checkpoints keep a
 * short reference, not megabytes of pixels; the host resolves the key to what it was given.
 */
import { decodeUtf8, JsonTextError } from '../io/json-text';
import type { OpenContext } from './ref';
import { DatasetError, checkRange, concatSources, type Dataset, type SampleSource } from './types';

export const MEMORY_PREFIX = 'memory:';

/** One file as the page read it: `name` is its path within the chosen folder ("cifar-10-batches-bin/test_batch.bin"). */
export interface MemoryFile {
  name: string;
  bytes: Uint8Array;
}

/** Images decoded by the page, resized to the graph's Input: bytes 0–255, C×H×W each. */
export interface DecodedImages {
  inputShape: number[];
  classes: string[];
  train: { x: Uint8Array; y: Uint8Array };
  test: { x: Uint8Array; y: Uint8Array } | null;
}

export type MemoryData =
  | { format: 'idx' | 'cifar10' | null; label: string; files: MemoryFile[] }
  | { format: 'image-folder'; label: string; images: DecodedImages };

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));
const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const CIFAR_PIXELS = 3 * 32 * 32;
const CIFAR_RECORD = 1 + CIFAR_PIXELS;

const baseName = (f: MemoryFile) => f.name.split('/').pop()!.replace(/\.gz$/, '');

/** Samples as bytes in memory (one per `px` values), labels one byte each. */
function byteSource(what: string, x: Uint8Array, y: Uint8Array, px: number, classes: number): SampleSource {
  const count = y.length;
  if (x.length !== count * px) throw new DatasetError(`${x.length} pixel values for ${count} labels of ${px} values each`, what);
  for (let i = 0; i < count; i++) if (y[i] >= classes) throw new DatasetError(`label ${y[i]} of sample ${i} is outside 0–${classes - 1}`, what);
  return {
    length: count,
    async read(start, n) {
      checkRange(what, count, start, n);
      const out = new Float32Array(n * px);
      const from = start * px;
      for (let i = 0; i < out.length; i++) out[i] = x[from + i] / 255;
      return { x: out, y: Float32Array.from(y.subarray(start, start + n)) };
    },
  };
}

// ---- IDX (MNIST, Fashion-MNIST) ---------------------------------------------------------------

const IDX_ROLES = {
  trainImages: /^train-images[.-]idx3-ubyte$/,
  trainLabels: /^train-labels[.-]idx1-ubyte$/,
  testImages: /^t10k-images[.-]idx3-ubyte$/,
  testLabels: /^t10k-labels[.-]idx1-ubyte$/,
};

function idxRole(files: MemoryFile[], role: keyof typeof IDX_ROLES): MemoryFile {
  const f = files.find((x) => IDX_ROLES[role].test(baseName(x)));
  const names = { trainImages: 'train-images-idx3-ubyte', trainLabels: 'train-labels-idx1-ubyte', testImages: 't10k-images-idx3-ubyte', testLabels: 't10k-labels-idx1-ubyte' };
  if (!f) throw new DatasetError(`missing ${names[role]} (or ${names[role]}.gz) among the chosen files (${files.map((x) => x.name).join(', ') || 'none'})`);
  return f;
}

function idxBody(f: MemoryFile, ndims: number, what: string): { dims: number[]; body: Uint8Array } {
  const b = f.bytes;
  const expected = 0x00000800 | ndims;
  if (b.length < 4 + 4 * ndims) throw new DatasetError(`truncated: ${b.length} bytes, the IDX header alone needs ${4 + 4 * ndims}`, f.name);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expected) {
    const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
    throw new DatasetError(`wrong magic number ${hex(magic)}, expected ${hex(expected)} (IDX ${what})`, f.name);
  }
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const body = b.subarray(4 + 4 * ndims);
  const need = dims.reduce((a, d) => a * d, 1);
  if (body.length !== need) {
    throw new DatasetError(`${body.length < need ? 'truncated' : 'longer than its header says'}: ${dims.join('×')} ${what} need ${need} bytes after the header, the file has ${body.length}`, f.name);
  }
  return { dims, body };
}

function idxSplit(images: MemoryFile, labels: MemoryFile, classes: number): { source: SampleSource; shape: number[] } {
  const im = idxBody(images, 3, 'images');
  const lb = idxBody(labels, 1, 'labels');
  const [count, rows, cols] = im.dims;
  if (lb.dims[0] !== count) throw new DatasetError(`${lb.dims[0]} labels for ${count} images in ${images.name}: the counts must match`, labels.name);
  return { source: byteSource(images.name, im.body, lb.body, rows * cols, classes), shape: [1, rows, cols] };
}

export function openIdxMemory(files: MemoryFile[], label: string): Dataset {
  const fashion = /fashion/i.test(label) || files.some((f) => /fashion/i.test(f.name));
  const classes = fashion ? FASHION_CLASSES : DIGITS;
  const train = idxSplit(idxRole(files, 'trainImages'), idxRole(files, 'trainLabels'), classes.length);
  const test = idxSplit(idxRole(files, 'testImages'), idxRole(files, 'testLabels'), classes.length);
  if (test.shape.join() !== train.shape.join()) {
    throw new DatasetError(`test images are ${test.shape.slice(1).join('×')}, training images ${train.shape.slice(1).join('×')}`);
  }
  return { name: `${fashion ? 'Fashion-MNIST' : 'MNIST'} (${label})`, inputShape: train.shape, classes, targetShape: [], rawScale: 255, train: train.source, test: test.source };
}

// ---- CIFAR-10 binary -------------------------------------------------------------------------

function cifarBatch(f: MemoryFile): SampleSource {
  const size = f.bytes.length;
  if (size === 0 || size % CIFAR_RECORD !== 0) {
    throw new DatasetError(`truncated or not a CIFAR-10 batch: ${size} bytes is not a whole number of ${CIFAR_RECORD}-byte records (1 label + 3×32×32 pixels)`, f.name);
  }
  const count = size / CIFAR_RECORD;
  const x = new Uint8Array(count * CIFAR_PIXELS);
  const y = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = f.bytes[i * CIFAR_RECORD];
    x.set(f.bytes.subarray(i * CIFAR_RECORD + 1, (i + 1) * CIFAR_RECORD), i * CIFAR_PIXELS);
  }
  return byteSource(f.name, x, y, CIFAR_PIXELS, CIFAR_CLASSES.length);
}

export function openCifarMemory(files: MemoryFile[], label: string): Dataset {
  const find = (n: string) => files.find((f) => baseName(f) === n);
  const trainFiles = [1, 2, 3, 4, 5].map((i) => find(`data_batch_${i}.bin`)).filter((f): f is MemoryFile => f !== undefined);
  if (trainFiles.length === 0) throw new DatasetError(`no data_batch_1.bin … data_batch_5.bin among the chosen files (${files.map((f) => f.name).join(', ')})`);
  const testFile = find('test_batch.bin');
  if (!testFile) throw new DatasetError('missing test_batch.bin next to the CIFAR-10 training batches');
  const meta = find('batches.meta.txt');
  let classes = CIFAR_CLASSES;
  if (meta) {
    let text: string;
    try {
      text = decodeUtf8(meta.bytes);
    } catch (e) {
      if (e instanceof JsonTextError) throw new DatasetError(e.message, meta.name);
      throw e;
    }
    const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    if (names.length !== 10) throw new DatasetError(`expected 10 class names, one per line, found ${names.length}`, meta.name);
    classes = names;
  }
  return {
    name: `CIFAR-10 (${label})`,
    inputShape: [3, 32, 32],
    classes,
    targetShape: [],
    rawScale: 255,
    train: concatSources(trainFiles.map(cifarBatch), CIFAR_PIXELS, 1),
    test: cifarBatch(testFile),
  };
}

// ---- decoded images --------------------------------------------------------------------------

export function openDecodedImages(d: DecodedImages, label: string): Dataset {
  const px = d.inputShape.reduce((a, b) => a * b, 1);
  if (d.classes.length < 2) throw new DatasetError(`an image folder needs at least two class sub-folders, found ${d.classes.length}`, label);
  return {
    name: `Images (${label})`,
    inputShape: [...d.inputShape],
    classes: [...d.classes],
    targetShape: [],
    rawScale: 255,
    train: byteSource(`${label} (training images)`, d.train.x, d.train.y, px, d.classes.length),
    test: d.test ? byteSource(`${label} (test images)`, d.test.x, d.test.y, px, d.classes.length) : null,
  };
}

// ---- any -------------------------------------------------------------------------------------

/** Which reader fits the files, when the user did not say. */
export function recogniseFiles(files: MemoryFile[]): 'idx' | 'cifar10' | null {
  if (files.some((f) => IDX_ROLES.trainImages.test(baseName(f)))) return 'idx';
  if (files.some((f) => baseName(f) === 'data_batch_1.bin')) return 'cifar10';
  return null;
}

/** Open in-memory data, checking its samples against the graph's Input (as the Node opener does). */
export function openMemoryData(data: MemoryData, ctx: OpenContext = {}): Dataset {
  let d: Dataset;
  if (data.format === 'image-folder') d = openDecodedImages(data.images, data.label);
  else {
    const format = data.format ?? recogniseFiles(data.files);
    if (format === 'idx') d = openIdxMemory(data.files, data.label);
    else if (format === 'cifar10') d = openCifarMemory(data.files, data.label);
    else {
      throw new DatasetError(
        'no dataset found: expected MNIST / Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] …) or CIFAR-10 binary batches (data_batch_1.bin …)',
        data.label,
      );
    }
  }
  if (ctx.inputShape && ctx.inputShape.join('×') !== d.inputShape.join('×')) {
    throw new DatasetError(`the graph's Input is ${ctx.inputShape.join('×')}, but ${d.name} has samples of ${d.inputShape.join('×')}`);
  }
  return d;
}
