/** Tiny real dataset files (IDX, CIFAR-10 binary, PNG/JPEG folders) for loader and fuzz tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export function idx(dims: number[], data: Uint8Array, magic = 0x800 | dims.length): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

/** The four IDX files of a tiny MNIST (n training, m test images of 4×3), by name. */
export function mnistFiles(n = 5, m = 2): Record<(typeof MNIST_FILES)[number], Buffer> {
  const images = (k: number) => Uint8Array.from({ length: k * 12 }, (_, i) => (10 * Math.floor(i / 12) + (i % 12)) % 256);
  const labels = (k: number) => Uint8Array.from({ length: k }, (_, i) => i % 10);
  return {
    'train-images-idx3-ubyte': idx([n, 4, 3], images(n)),
    'train-labels-idx1-ubyte': idx([n], labels(n)),
    't10k-images-idx3-ubyte': idx([m, 4, 3], images(m)),
    't10k-labels-idx1-ubyte': idx([m], labels(m)),
  };
}

export function cifarRecord(label: number, fill: number): Buffer {
  const b = Buffer.alloc(3073, fill);
  b[0] = label;
  return b;
}

export const CIFAR_META = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n';

/** The files of a tiny CIFAR-10 folder (one record per batch), by name. */
export function cifarFiles(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (let i = 1; i <= 5; i++) out[`data_batch_${i}.bin`] = cifarRecord(i, 10 * i);
  out['test_batch.bin'] = cifarRecord(9, 0);
  out['batches.meta.txt'] = Buffer.from(CIFAR_META);
  return out;
}

export function writeFiles(dir: string, files: Record<string, Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}

export function png(w: number, h: number, rgb: (x: number, y: number) => [number, number, number] = () => [100, 150, 200]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) p.data.set([...rgb(x, y), 255], (y * w + x) * 4);
  }
  return PNG.sync.write(p);
}

export function jpg(w: number, h: number, v: number): Buffer {
  return jpeg.encode({ width: w, height: h, data: Buffer.alloc(w * h * 4, v) }, 95).data;
}

/** CRC-32 of a PNG chunk's type and data, so a header edited by a test still passes the decoder's check. */
export function crc32(b: Uint8Array): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG whose IHDR says width × height (CRC fixed), the rest of the file unchanged. */
export function pngWithSize(p: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(p);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}
