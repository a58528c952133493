/**
 * Image headers read without decoding: a PNG's IHDR and a JPEG's frame header (SOFn) give the
 * size, so an image folder checks every file when it is opened — cheaply, a few bytes each —
 * instead of failing deep into an epoch. Also where a PNG's data ends (its IEND chunk): bytes
 * after it are ignored, as PIL, browsers and image viewers do.
 */

/** PIL's decompression-bomb limit (Image.MAX_IMAGE_PIXELS): larger images are refused. */
export const MAX_IMAGE_PIXELS = 89_478_485;

export interface ImageHeader {
  format: 'PNG' | 'JPEG';
  width: number;
  height: number;
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export type ReadAt = (position: number, length: number) => Uint8Array;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

export function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

export function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** Refuse an empty or oversized image, with both dimensions and the limit. */
export function checkImageSize(h: ImageHeader): ImageHeader {
  if (h.width < 1 || h.height < 1) throw new Error(`the ${h.format} header says ${h.width}×${h.height} pixels: an image needs at least 1×1`);
  const pixels = h.width * h.height;
  if (pixels > MAX_IMAGE_PIXELS) {
    throw new Error(
      `the ${h.format} header says ${h.width}×${h.height} = ${pixels.toLocaleString('en-US')} pixels, more than the ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} an image may have (PIL's limit); resize it or leave it out`,
    );
  }
  return h;
}

const PNG_COLOR_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** The IHDR of a PNG (its first 33 bytes suffice). */
export function pngHeader(b: Uint8Array): ImageHeader {
  if (!isPng(b)) throw new Error('the file does not start like a PNG');
  if (b.length < 33) throw new Error(`truncated PNG: ${b.length} bytes, the header alone needs 33`);
  if (u32(b, 8) !== 13 || ascii(b, 12, 4) !== 'IHDR') throw new Error('damaged PNG: the first chunk is not a 13-byte IHDR');
  const width = u32(b, 16);
  const height = u32(b, 20);
  const depth = b[24];
  const color = b[25];
  if (!PNG_COLOR_DEPTHS[color]) throw new Error(`damaged PNG: colour type ${color} does not exist (0, 2, 3, 4 or 6)`);
  if (!PNG_COLOR_DEPTHS[color].includes(depth)) throw new Error(`damaged PNG: bit depth ${depth} is not allowed with colour type ${color}`);
  return checkImageSize({ format: 'PNG', width, height });
}

/**
 * The PNG up to the end of its IEND chunk: what comes after is not part of the image (PIL and
 * browsers ignore it; pngjs would refuse the whole file). Unchanged when there is no IEND.
 */
export function pngWithoutTrailer(b: Uint8Array): Uint8Array {
  let at = 8;
  while (at + 12 <= b.length) {
    const len = u32(b, at);
    const end = at + 12 + len;
    if (ascii(b, at + 4, 4) === 'IEND') return end < b.length ? b.subarray(0, end) : b;
    if (end > b.length) break;
    at = end;
  }
  return b;
}

/** Markers SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): each carries the frame size. */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** A JPEG's frame size, walking its segments with positioned reads (EXIF blocks are skipped, not read). */
export function jpegHeader(read: ReadAt): ImageHeader {
  const head = read(0, 4);
  if (!isJpeg(head)) throw new Error('the file does not start like a JPEG');
  let at = 2;
  for (let segments = 0; segments < 10_000; segments++) {
    const m = read(at, 4);
    if (m.length < 2) throw new Error(`truncated JPEG: it ends at byte ${at} before its frame header (SOF)`);
    if (m[0] !== 0xff) throw new Error(`damaged JPEG: expected a marker at byte ${at}, found 0x${m[0].toString(16).padStart(2, '0')}`);
    const marker = m[1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) throw new Error(`damaged JPEG: no frame header (SOF) before its ${marker === 0xda ? 'image data' : 'end'} at byte ${at}`);
    if (m.length < 4) throw new Error(`truncated JPEG: it ends at byte ${at + m.length} inside a segment header`);
    const len = u16(m, 2);
    if (len < 2) throw new Error(`damaged JPEG: segment 0xff${marker.toString(16)} at byte ${at} has length ${len}`);
    if (isSof(marker)) {
      const f = read(at + 4, 5);
      if (f.length < 5) throw new Error(`truncated JPEG: its frame header at byte ${at} is cut off`);
      return checkImageSize({ format: 'JPEG', height: u16(f, 1), width: u16(f, 3) });
    }
    at += 2 + len;
  }
  throw new Error('damaged JPEG: more than 10,000 segments before the frame header');
}

/**
 * The header of a PNG or JPEG, by its extension (by its first bytes when the name has neither):
 * what the desktop's image folders and the browser build both check before decoding anything.
 */
export function readImageHeader(read: ReadAt, name: string): ImageHeader {
  const ext = /\.[^./]*$/.exec(name.toLowerCase())?.[0] ?? '';
  const head = read(0, 8);
  const kind = ext === '.png' ? 'PNG' : ext === '.jpg' || ext === '.jpeg' ? 'JPEG' : isPng(head) ? 'PNG' : isJpeg(head) ? 'JPEG' : null;
  if (!kind) throw new Error(`not a PNG or JPEG image${head.length === 0 ? ' (it is empty)' : ''}`);
  try {
    return kind === 'PNG' ? pngHeader(read(0, 33)) : jpegHeader(read);
  } catch (e) {
    throw new Error(`unreadable ${kind} image: ${(e as Error).message}${head.length === 0 ? ' (it is empty)' : ''}`);
  }
}

/** Read from bytes in memory, as a ReadAt. */
export function readFromBytes(b: Uint8Array): ReadAt {
  return (position, length) => b.subarray(Math.min(position, b.length), Math.min(position + length, b.length));
}
