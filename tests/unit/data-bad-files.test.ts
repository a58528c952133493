/**
 * Dataset files that are not what they claim, through the loader the CLI, the worker and the app
 * use (openDataset): a directory where an IDX or CIFAR file belongs, invalid UTF-8 in CIFAR's
 * class names, PNGs with bytes after IEND (accepted), a huge IHDR (refused at open with its
 * size and the limit), and a broken image header found when the folder is opened.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFromBytes, readImageHeader } from '../../src/engine/data/image-header';
import { openCifarMemory } from '../../src/engine/data/memory';
import { openDataset } from '../../src/engine/data/open.node.js';
import { cifarFiles, jpg, mnistFiles, png, pngWithSize, writeFiles } from '../helpers/dataset-files';

const root = mkdtempSync(join(tmpdir(), 'convas-bad-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const fresh = () => join(root, `d${dirs++}`);
const open = (path: string) => openDataset({ kind: 'folder', path });

describe('a directory where a data file belongs', () => {
  it('IDX: each of the four files, raw or .gz, is named', async () => {
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      const dir = fresh();
      const files = mnistFiles();
      delete (files as Record<string, Buffer>)[name];
      writeFiles(dir, files);
      mkdirSync(join(dir, name));
      await expect(open(dir)).rejects.toThrow(`${join(dir, name)}: it is a directory, not a data file`);
    }
    const gz = fresh();
    const files = mnistFiles();
    delete (files as Record<string, Buffer>)['train-labels-idx1-ubyte'];
    writeFiles(gz, files);
    mkdirSync(join(gz, 'train-labels-idx1-ubyte.gz'));
    await expect(open(gz)).rejects.toThrow(`${join(gz, 'train-labels-idx1-ubyte.gz')}: it is a directory, not a gzip file`);
  });

  it('CIFAR-10: a batch or batches.meta.txt that is a directory is named', async () => {
    for (const name of ['data_batch_3.bin', 'test_batch.bin', 'batches.meta.txt']) {
      const dir = fresh();
      const files = cifarFiles();
      delete files[name];
      writeFiles(dir, files);
      mkdirSync(join(dir, name));
      const what = name === 'batches.meta.txt' ? 'a text file of class names' : 'a CIFAR-10 batch file';
      await expect(open(dir)).rejects.toThrow(`${join(dir, name)}: it is a directory, not ${what}`);
    }
  });
});

describe('CIFAR-10 class names must be UTF-8', () => {
  const latin1 = Buffer.concat([Buffer.from('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck caf'), Buffer.from([0xe9, 0x0a])]);
  it('from a folder: the file and the byte offset', async () => {
    const dir = fresh();
    writeFiles(dir, { ...cifarFiles(), 'batches.meta.txt': latin1 });
    await expect(open(dir)).rejects.toThrow(`${join(dir, 'batches.meta.txt')}: invalid UTF-8 at byte ${latin1.length - 2} (line 10): 0xe9 starts a 3-byte sequence`);
  });
  it('from the browser build (files in memory): the same', () => {
    const files = Object.entries({ ...cifarFiles(), 'batches.meta.txt': latin1 }).map(([name, bytes]) => ({ name: `cifar/${name}`, bytes: new Uint8Array(bytes) }));
    expect(() => openCifarMemory(files, 'cifar')).toThrow(`cifar/batches.meta.txt: invalid UTF-8 at byte ${latin1.length - 2}`);
  });
});

function imageFolder(extra: Record<string, Buffer>): string {
  const dir = fresh();
  writeFiles(join(dir, 'a'), { '1.png': png(4, 4), ...extra });
  writeFiles(join(dir, 'b'), { '1.jpg': jpg(4, 4, 90) });
  return dir;
}

describe('image folders', () => {
  it('accepts a PNG with bytes after IEND and decodes it like the clean one', async () => {
    const clean = png(4, 4, (x, y) => [x * 60, y * 60, 7]);
    const dir = imageFolder({ '2.png': Buffer.concat([clean, Buffer.from('trailing bytes a camera or an editor left behind')]) });
    const d = await open(dir);
    const r = await d.train.read(0, 3);
    const reference = await open(imageFolder({ '2.png': clean }));
    expect(Array.from(r.x)).toEqual(Array.from((await reference.train.read(0, 3)).x));
  });

  it('refuses a huge IHDR when the folder is opened, with the dimensions and the limit', async () => {
    const dir = imageFolder({ '2.png': pngWithSize(png(4, 4), 100_000, 100_000) });
    await expect(open(dir)).rejects.toThrow(
      `${join(dir, 'a', '2.png')}: unreadable PNG image: the PNG header says 100000×100000 = 10,000,000,000 pixels, more than the 89,478,485 an image may have (PIL's limit)`,
    );
  });

  it('checks every image at open, not when its batch is read: a zero-size IHDR, a bad colour type, a JPEG without a frame header', async () => {
    const deep = (name: string, bytes: Buffer) => imageFolder(Object.fromEntries([...Array.from({ length: 30 }, (_, i) => [`${i + 10}.png`, png(4, 4)]), [name, bytes]]));
    let dir = deep('z.png', pngWithSize(png(4, 4), 0, 4));
    await expect(open(dir)).rejects.toThrow(`${join(dir, 'a', 'z.png')}: unreadable PNG image: the PNG header says 0×4 pixels`);
    const badColour = png(4, 4);
    badColour[25] = 5;
    dir = deep('z.png', badColour);
    await expect(open(dir)).rejects.toThrow('unreadable PNG image: damaged PNG: colour type 5 does not exist');
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xda, 0x00, 0x02]);
    dir = deep('z.jpg', noFrame);
    await expect(open(dir)).rejects.toThrow(`${join(dir, 'a', 'z.jpg')}: unreadable JPEG image: damaged JPEG: no frame header (SOF) before its image data at byte 8`);
  });

  it('reads a JPEG size past a large APP segment (EXIF) without reading the segment', async () => {
    const base = jpg(5, 3, 120);
    const app = Buffer.alloc(4 + 60_000);
    app.writeUInt16BE(0xffe1, 0);
    app.writeUInt16BE(60_002, 2);
    const withExif = Buffer.concat([base.subarray(0, 2), app, base.subarray(2)]);
    const dir = imageFolder({ '2.jpg': withExif });
    const d = await open(dir);
    expect(d.train.length).toBe(3);
    await d.train.read(0, 3);
  });
});

describe('readImageHeader (desktop folders and the browser build alike)', () => {
  it('reads sizes by extension or, without one, by signature; names what is wrong', () => {
    expect(readImageHeader(readFromBytes(png(7, 3)), 'a/x.png')).toEqual({ format: 'PNG', width: 7, height: 3 });
    expect(readImageHeader(readFromBytes(jpg(5, 2, 9)), 'a/x.JPEG')).toEqual({ format: 'JPEG', width: 5, height: 2 });
    expect(readImageHeader(readFromBytes(png(2, 2)), 'a/x')).toEqual({ format: 'PNG', width: 2, height: 2 });
    expect(() => readImageHeader(readFromBytes(Buffer.from('hello')), 'a/readme.txt')).toThrow('not a PNG or JPEG image');
    expect(() => readImageHeader(readFromBytes(new Uint8Array(0)), 'a/x.png')).toThrow('unreadable PNG image: the file does not start like a PNG (it is empty)');
    expect(() => readImageHeader(readFromBytes(pngWithSize(png(2, 2), 50_000, 50_000)), 'big.png')).toThrow('the PNG header says 50000×50000 = 2,500,000,000 pixels');
  });
});
