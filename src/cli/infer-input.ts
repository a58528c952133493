/**
 * `convas infer --input <file>`: the batch to run, in the data's own units (what the training
 * data gave the pipeline before normalisation — pixel values in [0, 1] for images), read from
 *
 * - tensor JSON `{ "shape": [N, ...], "data": [...] }`, values as they are;
 * - a PNG or JPEG image: one sample, converted to the Input's channels (grey by luminance or
 *   RGB) and resized (bilinear) to its H×W, pixels ÷ 255 — as an image-folder dataset reads it;
 * - an IDX image file (MNIST / Fashion-MNIST, `…-images-idx3-ubyte`, raw or `.gz`): every
 *   image, bytes ÷ 255 — as the IDX dataset reads it;
 * - a CIFAR-10 binary batch (`data_batch_1.bin`, `test_batch.bin`): every record's 3×32×32
 *   pixels ÷ 255, its label byte skipped — as the CIFAR-10 dataset reads it.
 *
 * The kind is recognised from the file's first bytes and name; a mismatch with the graph's
 * Input names both shapes.
 */
import { extname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeImage, toTensor } from '../engine/data/image-folder.node.js';
import { DatasetError } from '../engine/data/types';
import { InputFileError, readInputFile } from '../engine/io/input-file.node.js';
import type { Tensor } from '../engine/io/tensor';
import { CliError } from './errors';
import { loadTensor } from './files';

/** Input files larger than this are refused (a CIFAR-10 batch is 30 MB, MNIST's training images 47 MB). */
const MAX_INPUT_BYTES = 512 * 2 ** 20;
const IDX_IMAGES_MAGIC = 0x00000803;
const CIFAR_SIDE = 32;
const CIFAR_RECORD = 1 + 3 * CIFAR_SIDE * CIFAR_SIDE;

export type InputKind = 'tensor JSON' | 'image' | 'IDX images' | 'CIFAR-10 batch';

function read(path: string): Buffer {
  try {
    return readInputFile(path, MAX_INPUT_BYTES, 'an input file');
  } catch (e) {
    if (e instanceof InputFileError) throw new CliError(e.message);
    throw e;
  }
}

const shape = (s: readonly number[]) => s.join('×');

function bytesToUnit(bytes: Uint8Array, out: Float32Array, at: number): void {
  for (let i = 0; i < bytes.length; i++) out[at + i] = bytes[i] / 255;
}

function fromImage(path: string, bytes: Buffer, sample: readonly number[]): Tensor {
  if (sample.length !== 3 || (sample[0] !== 1 && sample[0] !== 3)) {
    throw new CliError(`${path}: an image fits an Input of 1×H×W or 3×H×W, but the graph's Input is ${shape(sample)}`);
  }
  let img;
  try {
    img = decodeImage(bytes, path);
  } catch (e) {
    if (e instanceof DatasetError) throw new CliError(e.message);
    throw e;
  }
  const [c, h, w] = sample;
  const data = new Float32Array(c * h * w);
  toTensor(img, c, h, w, data, 0);
  return { shape: [1, c, h, w], data };
}

function fromIdx(path: string, raw: Buffer, sample: readonly number[]): Tensor {
  let bytes = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: MAX_INPUT_BYTES });
    } catch (e) {
      throw new CliError(`${path}: cannot unpack gzip data: ${(e as Error).message}`);
    }
  }
  if (bytes.length < 16 || bytes.readUInt32BE(0) !== IDX_IMAGES_MAGIC) {
    throw new CliError(`${path}: not an IDX image file (it does not start with the magic number 0x00000803: unsigned bytes, 3 dimensions)`);
  }
  const [n, rows, cols] = [bytes.readUInt32BE(4), bytes.readUInt32BE(8), bytes.readUInt32BE(12)];
  if (bytes.length !== 16 + n * rows * cols) {
    throw new CliError(`${path}: ${n} images of ${rows}×${cols} need ${16 + n * rows * cols} bytes, the file has ${bytes.length}`);
  }
  if (n === 0) throw new CliError(`${path}: the file holds no images`);
  if (shape(sample) !== shape([1, rows, cols])) throw new CliError(`${path}: images of 1×${rows}×${cols} do not fit the graph's Input ${shape(sample)}`);
  const data = new Float32Array(n * rows * cols);
  bytesToUnit(bytes.subarray(16), data, 0);
  return { shape: [n, 1, rows, cols], data };
}

function fromCifar(path: string, bytes: Buffer, sample: readonly number[]): Tensor {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) {
    throw new CliError(`${path}: not a CIFAR-10 batch: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD}-byte records (1 label + 3×32×32 pixels)`);
  }
  if (shape(sample) !== shape([3, CIFAR_SIDE, CIFAR_SIDE])) throw new CliError(`${path}: CIFAR-10 images of 3×32×32 do not fit the graph's Input ${shape(sample)}`);
  const n = bytes.length / CIFAR_RECORD;
  const per = CIFAR_RECORD - 1;
  const data = new Float32Array(n * per);
  for (let i = 0; i < n; i++) bytesToUnit(bytes.subarray(i * CIFAR_RECORD + 1, (i + 1) * CIFAR_RECORD), data, i * per);
  return { shape: [n, 3, CIFAR_SIDE, CIFAR_SIDE], data };
}

const isPng = (b: Buffer) => b.length >= 8 && b.readUInt32BE(0) === 0x89504e47;
const isJpeg = (b: Buffer) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isIdx = (b: Buffer) => (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0x08) || (b[0] === 0x1f && b[1] === 0x8b);

/** Read `--input` as a batch for an Input of per-sample shape `sample`. */
export function readInferInput(path: string, sample: readonly number[]): { tensor: Tensor; kind: InputKind } {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return { tensor: loadTensor(path), kind: 'tensor JSON' };
  const bytes = read(path);
  if (isPng(bytes) || isJpeg(bytes)) {
    // the decoder goes by the name, as in an image folder: the name must say what the bytes are
    const png = isPng(bytes);
    if (png ? ext !== '.png' : ext !== '.jpg' && ext !== '.jpeg') throw new CliError(`${path}: the file is a ${png ? 'PNG' : 'JPEG'} image; name it ${png ? '.png' : '.jpg'}`);
    return { tensor: fromImage(path, bytes, sample), kind: 'image' };
  }
  if (isIdx(bytes)) return { tensor: fromIdx(path, bytes, sample), kind: 'IDX images' };
  if (ext === '.bin') return { tensor: fromCifar(path, bytes, sample), kind: 'CIFAR-10 batch' };
  if (bytes[0] === 0x7b /* { */) return { tensor: loadTensor(path), kind: 'tensor JSON' };
  throw new CliError(`${path}: not an input Convas reads: give tensor JSON, a PNG or JPEG image, an IDX image file or a CIFAR-10 batch (.bin)`);
}
