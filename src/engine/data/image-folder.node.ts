/**
 * A folder of images with one sub-folder per class (`cats/…png`, `dogs/…jpg`), the layout
 * people make by hand; optionally split as `train/<class>/…` and `test/<class>/…` (or `val/`).
 * Only the file list is kept in memory; each read decodes its images (PNG via pngjs, JPEG via
 * jpeg-js), converts them to the wanted channels and resizes them (bilinear) where they differ.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { requireFile } from './files.node.js';
import { checkImageSize, MAX_IMAGE_PIXELS, pngWithoutTrailer, readFromBytes, readImageHeader, type ImageHeader, type ReadAt } from './image-header';
import { DatasetError, checkRange, type Dataset, type SampleSource } from './types';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);
const MAX_MP = MAX_IMAGE_PIXELS / 1e6;
const TEST_NAMES = ['test', 'val', 'validation'];

interface Entry {
  file: string;
  label: number;
}

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** Whether `dir` looks like an image-folder dataset (at least one sub-folder). */
export async function hasClassFolders(dir: string): Promise<boolean> {
  return isDir(dir) && (await subdirs(dir)).length > 0;
}

/** The header of an image (by its extension), read at `read`; any problem names the file. */
function imageHeader(read: ReadAt, file: string): ImageHeader {
  try {
    return readImageHeader(read, file);
  } catch (e) {
    throw new DatasetError((e as Error).message, file);
  }
}

/**
 * Decode a PNG or JPEG to RGBA; any failure names the file. The header is checked first (a huge
 * IHDR is refused with its size and the limit, not with a decoder's allocation error), and
 * bytes after a PNG's IEND are ignored.
 */
export function decodeImage(bytes: Uint8Array, file: string): Rgba {
  const ext = extname(file).toLowerCase();
  imageHeader(readFromBytes(bytes), file);
  try {
    if (ext === '.png') {
      const png = pngWithoutTrailer(bytes);
      const img = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
      return { width: img.width, height: img.height, data: img.data };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512, maxResolutionInMP: Math.ceil(MAX_MP) });
    checkImageSize({ format: 'JPEG', width: img.width, height: img.height });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new DatasetError(`unreadable ${ext === '.png' ? 'PNG' : 'JPEG'} image: ${(e as Error).message}`, file);
  }
}

/** RGBA → C×H×W in [0, 1]: grey by luminance (C = 1) or RGB (C = 3), bilinear resize to h×w. */
export function toTensor(img: Rgba, channels: number, h: number, w: number, out: Float32Array, offset: number): void {
  const sy = img.height / h;
  const sx = img.width / w;
  const px = (x: number, y: number, c: number) => img.data[(y * img.width + x) * 4 + c];
  for (let y = 0; y < h; y++) {
    // pixel centres, as PyTorch's interpolate(align_corners=False)
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const tx = fx - x0;
      const rgb = [0, 1, 2].map((c) => {
        const top = px(x0, y0, c) * (1 - tx) + px(x1, y0, c) * tx;
        const bottom = px(x0, y1, c) * (1 - tx) + px(x1, y1, c) * tx;
        return (top * (1 - ty) + bottom * ty) / 255;
      });
      if (channels === 1) out[offset + y * w + x] = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
      else for (let c = 0; c < 3; c++) out[offset + c * h * w + y * w + x] = rgb[c];
    }
  }
}

async function listClasses(dir: string, classes: string[] | null): Promise<{ classes: string[]; entries: Entry[] }> {
  const found = await subdirs(dir);
  const names = classes ?? found;
  if (!classes && found.length < 2) {
    throw new DatasetError(`found ${found.length} class folder${found.length === 1 ? '' : 's'}; a classifier needs at least 2 (one sub-folder of images per class)`, dir);
  }
  for (const f of found) if (!names.includes(f)) throw new DatasetError(`class folder "${f}" is not among the training classes (${names.join(', ')})`, dir);
  const entries: Entry[] = [];
  for (const name of found) {
    const folder = join(dir, name);
    const files = (await readdir(folder, { withFileTypes: true }))
      // by name: an image name that is a folder, a FIFO, a device or a link to one is refused by checkHeader, naming it
      .filter((e) => !e.name.startsWith('.') && IMAGE_EXT.has(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    if (files.length === 0) throw new DatasetError('empty class folder: no PNG or JPEG images', folder);
    for (const f of files) entries.push({ file: join(folder, f), label: names.indexOf(name) });
  }
  return { classes: names, entries };
}

/**
 * Every image's header at open — signature, size within the limit, a JPEG's frame header found
 * — by positioned reads of a few bytes, so a bad file is reported before training starts.
 */
function checkHeader(file: string): ImageHeader {
  requireFile(file, 'an image file');
  const fd = openSync(file, 'r');
  try {
    const read: ReadAt = (position, length) => {
      const buf = Buffer.alloc(length);
      return buf.subarray(0, readSync(fd, buf, 0, length, position));
    };
    return imageHeader(read, file);
  } finally {
    closeSync(fd);
  }
}

function folderSource(entries: Entry[], shape: number[]): SampleSource {
  const [c, h, w] = shape;
  const size = c * h * w;
  return {
    length: entries.length,
    async read(start, n) {
      checkRange('image folder', entries.length, start, n);
      const x = new Float32Array(n * size);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const e = entries[start + i];
        let bytes: Uint8Array;
        try {
          bytes = await readFile(e.file);
        } catch (err) {
          throw new DatasetError(`cannot read: ${(err as Error).message}`, e.file);
        }
        toTensor(decodeImage(bytes, e.file), c, h, w, x, i * size);
        y[i] = e.label;
      }
      return { x, y };
    },
  };
}

export interface ImageFolderOptions {
  /** [C, H, W] to produce (the graph's Input); default: the first image's size, grey if it is grey. */
  inputShape?: readonly number[];
}

export async function openImageFolder(dir: string, o: ImageFolderOptions = {}): Promise<Dataset> {
  if (!isDir(dir)) throw new DatasetError('not a folder', dir);
  const testName = TEST_NAMES.find((n) => isDir(join(dir, n)));
  const trainDir = testName && isDir(join(dir, 'train')) ? join(dir, 'train') : dir;
  const train = await listClasses(trainDir, null);
  const test = trainDir !== dir ? await listClasses(join(dir, testName!), train.classes) : null;
  const all = [...train.entries, ...(test?.entries ?? [])];
  for (const e of all) checkHeader(e.file);

  let shape: number[];
  if (o.inputShape) {
    if (o.inputShape.length !== 3 || (o.inputShape[0] !== 1 && o.inputShape[0] !== 3)) {
      throw new DatasetError(`images can feed an Input of 1×H×W or 3×H×W, not ${o.inputShape.join('×')}`, dir);
    }
    shape = [...o.inputShape];
  } else {
    const first = train.entries[0].file;
    const img = decodeImage(await readFile(first), first);
    let grey = true;
    for (let i = 0; i < img.data.length && grey; i += 4) grey = img.data[i] === img.data[i + 1] && img.data[i] === img.data[i + 2];
    shape = [grey ? 1 : 3, img.height, img.width];
  }
  return {
    name: `image folder (${dir}, ${train.classes.length} classes)`,
    inputShape: shape,
    classes: train.classes,
    targetShape: [],
    rawScale: 255,
    train: folderSource(train.entries, shape),
    test: test ? folderSource(test.entries, shape) : null,
  };
}
