import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/engine/data/open.node.js';

const root = mkdtempSync(join(tmpdir(), 'convas-data-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
function freshDir(name = 'd'): string {
  const d = join(root, `${name}-${dirs++}`);
  mkdirSync(d, { recursive: true });
  return d;
}

function idx(dims: number[], data: Uint8Array, magic = 0x800 | dims.length): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

/** A tiny MNIST: n training and m test images of 4×3, pixel value = 10·sample + position. */
function writeMnist(dir: string, o: { n?: number; m?: number; gz?: boolean } = {}): void {
  const n = o.n ?? 5;
  const m = o.m ?? 2;
  const images = (k: number) => Uint8Array.from({ length: k * 12 }, (_, i) => (10 * Math.floor(i / 12) + (i % 12)) % 256);
  const labels = (k: number) => Uint8Array.from({ length: k }, (_, i) => i % 10);
  const put = (name: string, b: Buffer) => writeFileSync(join(dir, o.gz ? `${name}.gz` : name), o.gz ? gzipSync(b) : b);
  put('train-images-idx3-ubyte', idx([n, 4, 3], images(n)));
  put('train-labels-idx1-ubyte', idx([n], labels(n)));
  put('t10k-images-idx3-ubyte', idx([m, 4, 3], images(m)));
  put('t10k-labels-idx1-ubyte', idx([m], labels(m)));
}

describe('MNIST IDX files', () => {
  for (const gz of [false, true]) {
    it(`reads the four files ${gz ? 'gzipped' : 'raw'}: shape, pixels scaled to [0, 1], labels, test split`, async () => {
      const dir = freshDir('fashion-mnist');
      writeMnist(dir, { gz });
      const d = await openDataset({ kind: 'folder', path: dir });
      expect(d.inputShape).toEqual([1, 4, 3]);
      expect(d.classes![0]).toBe('T-shirt/top'); // "fashion" in the folder name
      expect([d.train.length, d.test!.length]).toEqual([5, 2]);
      const r = await d.train.read(2, 2);
      expect(r.x[0]).toBeCloseTo(20 / 255, 6);
      expect(r.x[12 + 5]).toBeCloseTo(35 / 255, 6);
      expect(Array.from(r.y)).toEqual([2, 3]);
      await d.close?.();
    });
  }

  it('names the file and the problem: wrong magic number', async () => {
    const dir = freshDir();
    writeMnist(dir);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([5, 4, 3], new Uint8Array(60), 0x801));
    await expect(openDataset({ kind: 'folder', path: dir })).rejects.toThrow(/train-images-idx3-ubyte: wrong magic number 0x00000801, expected 0x00000803/);
  });

  it('names the file and the problem: truncated images', async () => {
    const dir = freshDir();
    writeMnist(dir);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([5, 4, 3], new Uint8Array(50)));
    await expect(openDataset({ kind: 'folder', path: dir })).rejects.toThrow(/train-images-idx3-ubyte: truncated: 5 images of 4×3 need 76 bytes, the file has 66/);
  });

  it('names the file and the problem: a truncated gzip file', async () => {
    const dir = freshDir();
    writeMnist(dir, { gz: true });
    const whole = gzipSync(idx([5, 4, 3], new Uint8Array(60)));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), whole.subarray(0, whole.length - 12));
    await expect(openDataset({ kind: 'folder', path: dir })).rejects.toThrow(/train-images-idx3-ubyte\.gz: cannot unpack gzip data/);
  });

  it('names the file and the problem: label count differs from image count', async () => {
    const dir = freshDir();
    writeMnist(dir);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([3], Uint8Array.from([1, 2, 3])));
    await expect(openDataset({ kind: 'folder', path: dir })).rejects.toThrow(/t10k-labels-idx1-ubyte: 3 labels for 2 images/);
  });

  it('names the file and the problem: a label beyond the classes, a missing file', async () => {
    const dir = freshDir();
    writeMnist(dir);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([5], Uint8Array.from([1, 2, 12, 3, 4])));
    await expect(openDataset({ kind: 'folder', path: dir })).rejects.toThrow(/train-labels-idx1-ubyte: label 12 of sample 2 is outside 0–9/);
    const d2 = freshDir();
    writeMnist(d2);
    rmSync(join(d2, 't10k-images-idx3-ubyte'));
    await expect(openDataset({ kind: 'folder', path: d2 })).rejects.toThrow(/missing t10k-images-idx3-ubyte/);
  });

  it('checks the graph Input against the images', async () => {
    const dir = freshDir();
    writeMnist(dir);
    await expect(openDataset({ kind: 'folder', path: dir }, { inputShape: [1, 28, 28] })).rejects.toThrow(/the graph's Input is 1×28×28, but MNIST .* has samples of 1×4×3/);
  });
});

function cifarRecord(label: number, fill: number): Buffer {
  const b = Buffer.alloc(3073, fill);
  b[0] = label;
  b[1 + 1024] = 255; // first green pixel
  return b;
}

function writeCifar(dir: string, perBatch = 2): string {
  const folder = join(dir, 'cifar-10-batches-bin');
  mkdirSync(folder);
  for (let i = 1; i <= 5; i++) writeFileSync(join(folder, `data_batch_${i}.bin`), Buffer.concat(Array.from({ length: perBatch }, (_, k) => cifarRecord(i, 10 * i + k))));
  writeFileSync(join(folder, 'test_batch.bin'), Buffer.concat([cifarRecord(9, 0)]));
  writeFileSync(join(folder, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  return folder;
}

describe('CIFAR-10 binary batches', () => {
  it('reads all five training batches in order, C×H×W planes, and the test batch', async () => {
    const dir = freshDir();
    writeCifar(dir);
    const d = await openDataset({ kind: 'folder', path: dir });
    expect(d.inputShape).toEqual([3, 32, 32]);
    expect(d.classes![9]).toBe('truck');
    expect([d.train.length, d.test!.length]).toEqual([10, 1]);
    const r = await d.train.read(3, 3); // batch 2 record 1, batch 3 records 0 and 1
    expect(Array.from(r.y)).toEqual([2, 3, 3]);
    expect(r.x[0]).toBeCloseTo(21 / 255, 6);
    expect(r.x[1024]).toBe(1);
    expect(r.x[3072 * 2 + 1]).toBeCloseTo(31 / 255, 6);
    await d.close?.();
  });

  it('names the file and the problem: a truncated batch, a bad label, a wrong class list', async () => {
    const a = freshDir();
    const fa = writeCifar(a);
    writeFileSync(join(fa, 'data_batch_3.bin'), Buffer.alloc(3073 + 100));
    await expect(openDataset({ kind: 'folder', path: a })).rejects.toThrow(/data_batch_3\.bin: truncated or not a CIFAR-10 batch: 3173 bytes/);
    const b = freshDir();
    const fb = writeCifar(b);
    writeFileSync(join(fb, 'test_batch.bin'), cifarRecord(11, 0));
    const d = await openDataset({ kind: 'folder', path: b });
    await expect(d.test!.read(0, 1)).rejects.toThrow(/test_batch\.bin: label 11 of record 0 is outside 0–9/);
    await d.close?.();
    const c = freshDir();
    const fc = writeCifar(c);
    writeFileSync(join(fc, 'batches.meta.txt'), 'cat\ndog\n');
    await expect(openDataset({ kind: 'folder', path: c })).rejects.toThrow(/batches\.meta\.txt: expected 10 class names, one per line, found 2/);
  });
});

function png(w: number, h: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rgb(x, y);
      p.data.set([r, g, b, 255], (y * w + x) * 4);
    }
  }
  return PNG.sync.write(p);
}

function jpg(w: number, h: number, v: number): Buffer {
  return jpeg.encode({ width: w, height: h, data: Buffer.alloc(w * h * 4, v) }, 95).data;
}

describe('image folders', () => {
  it('reads one class per sub-folder (PNG and JPEG), sorted class names, resized and converted to the Input', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'dark'));
    mkdirSync(join(dir, 'light'));
    writeFileSync(join(dir, 'dark', 'a.png'), png(8, 8, () => [0, 0, 0]));
    writeFileSync(join(dir, 'dark', 'b.jpg'), jpg(16, 16, 20));
    writeFileSync(join(dir, 'light', 'c.PNG'), png(4, 4, (x) => (x < 2 ? [255, 0, 0] : [0, 0, 255])));
    writeFileSync(join(dir, 'light', 'notes.txt'), 'not an image');
    const d = await openDataset({ kind: 'folder', path: dir }, { inputShape: [3, 8, 8] });
    expect(d.classes).toEqual(['dark', 'light']);
    expect(d.train.length).toBe(3);
    expect(d.test).toBeNull();
    const r = await d.train.read(0, 3);
    expect(Array.from(r.y)).toEqual([0, 0, 1]);
    expect(r.x[192 + 10]).toBeCloseTo(20 / 255, 1); // JPEG is lossy
    const red = r.x.subarray(384, 384 + 64);
    expect(red[0]).toBe(1); // left edge of the 4×4 red|blue image, upsampled
    expect(red[7]).toBe(0);
    const grey = await openDataset({ kind: 'folder', path: dir }, { inputShape: [1, 4, 4] });
    const g = await grey.train.read(2, 1);
    expect(g.x[0]).toBeCloseTo(0.299, 3);
  });

  it('uses train/ and test/ sub-folders as the split when they are there', async () => {
    const dir = freshDir();
    for (const split of ['train', 'test']) {
      for (const c of ['cat', 'dog']) {
        mkdirSync(join(dir, split, c), { recursive: true });
        writeFileSync(join(dir, split, c, '1.png'), png(2, 2, () => [9, 9, 9]));
      }
    }
    const d = await openDataset({ kind: 'folder', path: dir });
    expect(d.inputShape).toEqual([1, 2, 2]);
    expect([d.train.length, d.test!.length]).toEqual([2, 2]);
  });

  it('names the folder or file and the problem: an empty class folder, an unreadable image, one class only', async () => {
    const a = freshDir();
    mkdirSync(join(a, 'cats'));
    mkdirSync(join(a, 'dogs'));
    writeFileSync(join(a, 'cats', '1.png'), png(2, 2, () => [1, 2, 3]));
    await expect(openDataset({ kind: 'folder', path: a })).rejects.toThrow(/dogs: empty class folder: no PNG or JPEG images/);
    writeFileSync(join(a, 'dogs', 'x.jpg'), 'this is text, not a JPEG');
    await expect(openDataset({ kind: 'folder', path: a })).rejects.toThrow(/x\.jpg: unreadable JPEG image: the file does not start like a JPEG/);
    // right signature, broken inside: found when the image is read
    const whole = png(6, 6, () => [5, 5, 5]);
    writeFileSync(join(a, 'dogs', 'x.jpg'), jpg(4, 4, 1));
    writeFileSync(join(a, 'dogs', 'y.png'), whole.subarray(0, 40));
    const d = await openDataset({ kind: 'folder', path: a });
    await expect(d.train.read(0, 3)).rejects.toThrow(/y\.png: unreadable PNG image/);
    const b = freshDir();
    mkdirSync(join(b, 'only'));
    writeFileSync(join(b, 'only', '1.png'), png(2, 2, () => [1, 2, 3]));
    await expect(openDataset({ kind: 'folder', path: b })).rejects.toThrow(/found 1 class folder; a classifier needs at least 2/);
  });

  it('says what it looked for in a folder that holds no dataset', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'readme.txt'), 'hello');
    await expect(openDataset({ kind: 'folder', path: dir })).rejects.toThrow(/no dataset found: expected MNIST/);
    await expect(openDataset({ kind: 'folder', path: join(dir, 'nope') })).rejects.toThrow(/nope: no such folder/);
  });
});
