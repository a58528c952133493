/**
 * Built-in Shapes written out as real dataset files — MNIST IDX (the four standard names) or a
 * CIFAR-10 batch — so the CLI can train on small data from a folder and `infer` can read the
 * same files back, as a user would with MNIST or CIFAR-10.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapesDataset } from '../../src/engine/data/shapes';
import type { SampleSource } from '../../src/engine/data/types';

function idx(magicDims: number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 * magicDims.length);
  magicDims.forEach((v, i) => head.writeUInt32BE(v, 4 * i));
  return Buffer.concat([head, body]);
}

async function bytesOf(source: SampleSource): Promise<{ pixels: Uint8Array; labels: Uint8Array }> {
  const r = await source.read(0, source.length);
  return { pixels: Uint8Array.from(r.x, (v) => Math.round(v * 255)), labels: Uint8Array.from(r.y) };
}

export interface ShapesFiles {
  dir: string;
  testImages: string;
  /** The test split's pixels (bytes) and labels, as written. */
  test: { pixels: Uint8Array; labels: Uint8Array };
}

/** Shapes (grey 28×28, ten classes) as an MNIST-style IDX folder. */
export async function writeShapesIdx(dir: string, samples: number, testSamples: number, seed = 5): Promise<ShapesFiles> {
  mkdirSync(dir, { recursive: true });
  const d = shapesDataset({ size: 28, channels: 1, samples, testSamples, seed, classes: 10 });
  const train = await bytesOf(d.train);
  const test = await bytesOf(d.test!);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([0x803, samples, 28, 28], train.pixels));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([0x801, samples], train.labels));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([0x803, testSamples, 28, 28], test.pixels));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([0x801, testSamples], test.labels));
  return { dir, testImages: join(dir, 't10k-images-idx3-ubyte'), test };
}

/** Shapes (RGB 32×32) as one CIFAR-10 binary batch: per record a label byte, then R, G, B planes. */
export async function writeShapesCifarBatch(path: string, count: number, seed = 5): Promise<{ pixels: Uint8Array; labels: Uint8Array }> {
  const d = shapesDataset({ size: 32, channels: 3, samples: count, testSamples: 0, seed, classes: 10 });
  const { pixels, labels } = await bytesOf(d.train);
  const per = 3 * 32 * 32;
  const out = new Uint8Array(count * (1 + per));
  for (let i = 0; i < count; i++) {
    out[i * (1 + per)] = labels[i];
    out.set(pixels.subarray(i * per, (i + 1) * per), i * (1 + per) + 1);
  }
  writeFileSync(path, out);
  return { pixels, labels };
}
