/**
 * An image folder in the browser build: the page has the browser's PNG/JPEG decoders, the
 * engine has none, so images are decoded and resized to the graph's Input here, once, into
 * bytes the worker trains on. Layout as on the desktop: `<root>/<class>/<image>` or
 * `<root>/train|test|val/<class>/<image>`.
 */
import { readFromBytes, readImageHeader } from '../../engine/data/image-header';
import type { DecodedImages, MemoryFile } from '../../engine/data/memory';

const TEST_NAMES = new Set(['test', 'val', 'validation']);

interface Entry {
  file: MemoryFile;
  split: 'train' | 'test';
  className: string;
}

/** Path parts below the chosen folder: [class, file] or [split, class, file]. */
function entries(files: MemoryFile[], label: string): Entry[] {
  const out: Entry[] = [];
  for (const f of files) {
    const parts = f.name.split('/');
    if (parts.length > 1 && parts[0] === label) parts.shift();
    if (parts.length === 2) out.push({ file: f, split: 'train', className: parts[0] });
    else if (parts.length === 3) out.push({ file: f, split: TEST_NAMES.has(parts[0].toLowerCase()) ? 'test' : 'train', className: parts[1] });
  }
  return out;
}

async function decodeOne(f: MemoryFile, c: number, h: number, w: number, out: Uint8Array, at: number, canvas: OffscreenCanvas): Promise<void> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([f.bytes as BlobPart]), { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  } catch {
    throw new Error(`${f.name}: unreadable image (not a PNG or JPEG the browser can decode)`);
  }
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const px = ctx.getImageData(0, 0, w, h).data;
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    const r = px[i * 4];
    const g = px[i * 4 + 1];
    const b = px[i * 4 + 2];
    if (c === 1) out[at + i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[at + i] = r;
      out[at + plane + i] = g;
      out[at + 2 * plane + i] = b;
    }
  }
}

export async function decodeImageFolder(files: MemoryFile[], inputShape: readonly number[], label: string): Promise<DecodedImages> {
  if (inputShape.length !== 3 || (inputShape[0] !== 1 && inputShape[0] !== 3)) {
    throw new Error(`${label}: an image folder feeds images, but the graph's Input is ${inputShape.join('×')} (it needs 1×H×W or 3×H×W)`);
  }
  const [c, h, w] = inputShape;
  const all = entries(files, label);
  if (all.length === 0) throw new Error(`${label}: no images in class sub-folders (expected ${label}/<class>/<image>.png)`);
  // every header first, a few bytes each: a broken or oversized image (over PIL's pixel limit) is
  // named before any decoding, instead of failing — or exhausting the tab — part-way through
  for (const e of all) {
    try {
      readImageHeader(readFromBytes(e.file.bytes), e.file.name);
    } catch (err) {
      throw new Error(`${e.file.name}: ${(err as Error).message}`);
    }
  }
  const classes = [...new Set(all.map((e) => e.className))].sort();
  const canvas = new OffscreenCanvas(w, h);
  const split = async (which: 'train' | 'test') => {
    const list = all.filter((e) => e.split === which);
    if (list.length === 0) return null;
    const x = new Uint8Array(list.length * c * h * w);
    const y = new Uint8Array(list.length);
    for (let i = 0; i < list.length; i++) {
      await decodeOne(list[i].file, c, h, w, x, i * c * h * w, canvas);
      y[i] = classes.indexOf(list[i].className);
    }
    return { x, y };
  };
  const train = await split('train');
  if (!train) throw new Error(`${label}: only test images were found; put training images in ${label}/<class>/ or ${label}/train/<class>/`);
  return { inputShape: [c, h, w], classes, train, test: await split('test') };
}
