/**
 * MNIST and Fashion-MNIST as downloaded: four IDX files under their standard names, raw or
 * `.gz`. Images are read a chunk at a time by position; labels (one byte each) are read whole
 * and checked at open, so a wrong count or a bad label is reported before training starts.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordFile, plainFile, readHead } from './files.node.js';
import { DatasetError, checkRange, type Dataset, type SampleSource } from './types';

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));

const NAMES = {
  trainImages: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  trainLabels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  testImages: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  testLabels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
} as const;

/** The file for one role, raw or `.gz`, or null. */
function find(dir: string, names: readonly string[]): string | null {
  for (const n of names) for (const f of [n, `${n}.gz`]) if (existsSync(join(dir, f))) return join(dir, f);
  return null;
}

export function hasIdxFiles(dir: string): boolean {
  return find(dir, NAMES.trainImages) !== null;
}

function findOrFail(dir: string, names: readonly string[]): string {
  const f = find(dir, names);
  if (!f) throw new DatasetError(`missing ${names[0]} (or ${names[0]}.gz) next to the other MNIST IDX files`, dir);
  return f;
}

interface IdxHeader {
  dims: number[];
  headerBytes: number;
}

/** Check the magic number (unsigned bytes, `ndims` dimensions) and read the dimensions. */
function parseHeader(head: Buffer, ndims: number, what: string, file: string): IdxHeader {
  const expected = 0x00000800 | ndims;
  if (head.length < 4) throw new DatasetError(`truncated: ${head.length} bytes, not even an IDX magic number`, file);
  const magic = head.readUInt32BE(0);
  if (magic !== expected) {
    const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
    throw new DatasetError(`wrong magic number ${hex(magic)}, expected ${hex(expected)} (IDX ${what}: unsigned bytes, ${ndims} dimension${ndims > 1 ? 's' : ''})`, file);
  }
  const headerBytes = 4 + 4 * ndims;
  if (head.length < headerBytes) throw new DatasetError(`truncated: the IDX header needs ${headerBytes} bytes, the file has ${head.length}`, file);
  const dims = Array.from({ length: ndims }, (_, i) => head.readUInt32BE(4 + 4 * i));
  return { dims, headerBytes };
}

interface Split {
  source: SampleSource;
  images: RecordFile;
}

async function openSplit(imagesPath: string, labelsPath: string, classes: number): Promise<Split & { shape: number[] }> {
  const imgPlain = await plainFile(imagesPath);
  const ih = parseHeader(await readHead(imgPlain, 16), 3, 'images', imagesPath);
  const [count, rows, cols] = ih.dims;
  if (rows < 1 || cols < 1) throw new DatasetError(`images of ${rows}×${cols} pixels`, imagesPath);
  const images = await RecordFile.open(imgPlain, ih.headerBytes, rows * cols, count, `${count} images of ${rows}×${cols}`, imagesPath);

  // The label file's header and size are checked before it is read whole.
  let labelBytes: Buffer;
  let lh: IdxHeader;
  try {
    const labelPlain = await plainFile(labelsPath);
    lh = parseHeader(await readHead(labelPlain, 8), 1, 'labels', labelsPath);
    const have = (await stat(labelPlain)).size - lh.headerBytes;
    const [nLabels] = lh.dims;
    if (have !== nLabels) {
      throw new DatasetError(`${have < nLabels ? 'truncated' : 'longer than its header says'}: the header says ${nLabels} labels, the file holds ${have}`, labelsPath);
    }
    if (nLabels !== count) throw new DatasetError(`${nLabels} labels for ${count} images in ${imagesPath}: the counts must match`, labelsPath);
    labelBytes = await readFile(labelPlain);
  } catch (e) {
    await images.close();
    throw e;
  }
  const labels = labelBytes.subarray(lh.headerBytes);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      await images.close();
      throw new DatasetError(`label ${labels[i]} of sample ${i} is outside 0–${classes - 1}`, labelsPath);
    }
  }
  const px = rows * cols;
  const source: SampleSource = {
    length: count,
    async read(start, n) {
      checkRange(imagesPath, count, start, n);
      const bytes = await images.read(start, n, imagesPath);
      const x = new Float32Array(n * px);
      for (let i = 0; i < x.length; i++) x[i] = bytes[i] / 255;
      return { x, y: Float32Array.from(labels.subarray(start, start + n)) };
    },
  };
  return { source, images, shape: [1, rows, cols] };
}

/** Open a folder holding the four MNIST / Fashion-MNIST IDX files. */
export async function openIdxDataset(dir: string): Promise<Dataset> {
  const fashion = /fashion/i.test(dir);
  const classes = fashion ? FASHION_CLASSES : DIGITS;
  const train = await openSplit(findOrFail(dir, NAMES.trainImages), findOrFail(dir, NAMES.trainLabels), classes.length);
  let test: Awaited<ReturnType<typeof openSplit>>;
  try {
    test = await openSplit(findOrFail(dir, NAMES.testImages), findOrFail(dir, NAMES.testLabels), classes.length);
  } catch (e) {
    await train.images.close();
    throw e;
  }
  if (test.shape.join() !== train.shape.join()) {
    await Promise.all([train.images.close(), test.images.close()]);
    throw new DatasetError(`test images are ${test.shape.slice(1).join('×')}, training images ${train.shape.slice(1).join('×')}`, test.images.path);
  }
  return {
    name: `${fashion ? 'Fashion-MNIST' : 'MNIST'} (${dir})`,
    inputShape: train.shape,
    classes,
    targetShape: [],
    rawScale: 255,
    train: train.source,
    test: test.source,
    close: async () => {
      await Promise.all([train.images.close(), test.images.close()]);
    },
  };
}
