/**
 * The dataset readers (openDataset: what `convas train`, the worker and the app open) on 500
 * damaged folders each — IDX, CIFAR-10 binary, image folders — on disk: header fields set to
 * awkward values, truncated/flipped/inserted bytes, gzip of good and bad data, files replaced by
 * directories, FIFOs, devices, links to directories or nothing, out-of-range labels, class names
 * in invalid UTF-8, PNG trailers after IEND, huge or empty IHDRs. Each folder either opens and
 * reads back only well-formed samples, or fails with a DatasetError naming a file or folder —
 * never an untyped error, a hang, or garbage let in. Image headers must fail at open, not later.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openMemoryData, type MemoryFile } from '../../src/engine/data/memory';
import { openDataset } from '../../src/engine/data/open.node.js';
import { DatasetError, type Dataset, type SampleSource } from '../../src/engine/data/types';
import { MAX_IMAGE_PIXELS } from '../../src/engine/data/image-header';
import { Rng } from '../../src/engine/util/rng';
import { cifarFiles, jpg, MNIST_FILES, mnistFiles, png, pngWithSize } from '../helpers/dataset-files';
import { damageBytes, INVALID_UTF8, insertAt, makeSpecial, SPECIAL_KINDS, SPECIAL_MESSAGE } from './fuzz-bytes';
import { pick } from './fuzz-mutate';

const root = mkdtempSync(join(tmpdir(), 'convas-fuzz-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A folder's files: bytes, or a special kind of path. */
type Files = Record<string, Uint8Array | { special: (typeof SPECIAL_KINDS)[number] }>;

function writeFolder(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    if (v instanceof Uint8Array) writeFileSync(path, v); // a fresh folder: nothing to remove first
    else makeSpecial(path, v.special);
  }
}

/** Every sample of a source, checked: pixels in [0, 1], labels whole numbers below `classes`. */
async function readAll(s: SampleSource, size: number, classes: number, label: string): Promise<void> {
  const r = await s.read(0, s.length);
  expect(r.x.length, label).toBe(s.length * size);
  for (const v of r.x) if (!(v >= 0 && v <= 1)) throw new Error(`${label}: pixel ${v} outside [0, 1]`);
  for (const y of r.y) if (!(Number.isInteger(y) && y >= 0 && y < classes)) throw new Error(`${label}: label ${y} outside 0–${classes - 1}`);
}

interface Tally {
  opened: number;
  refusedAtOpen: number;
  refusedAtRead: number;
  byKind: Record<string, number>;
}

/**
 * Open and read a damaged folder. Returns where it failed; throws (failing the test) on an
 * untyped error, a DatasetError that names neither a path in the folder nor the folder, or a
 * requirement of the case (`mustAtOpen`, `mustOpen`) not met.
 */
async function runCase(dir: string, label: string, kind: string, tally: Tally, o: { mustAtOpen?: RegExp; mustOpen?: boolean; check?: (d: Dataset) => Promise<void> } = {}): Promise<void> {
  tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
  const typed = (e: unknown, at: string) => {
    if (!(e instanceof DatasetError)) throw new Error(`${label}: untyped error at ${at}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (!e.message.includes(dir) && !e.message.includes('convas-data-cache')) throw new Error(`${label}: the message names no file of the folder: ${e.message}`);
  };
  let d: Dataset;
  try {
    d = await openDataset({ kind: 'folder', path: dir });
  } catch (e) {
    typed(e, 'open');
    if (o.mustOpen) throw new Error(`${label}: had to open, got: ${(e as Error).message}`);
    if (o.mustAtOpen && !o.mustAtOpen.test((e as Error).message)) throw new Error(`${label}: expected ${o.mustAtOpen} at open, got: ${(e as Error).message}`);
    tally.refusedAtOpen++;
    return;
  }
  if (o.mustAtOpen) {
    await d.close?.();
    throw new Error(`${label}: opened, but it had to be refused at open with ${o.mustAtOpen}`);
  }
  try {
    const size = d.inputShape.reduce((a, b) => a * b, 1);
    await readAll(d.train, size, d.classes!.length, label);
    if (d.test) await readAll(d.test, size, d.classes!.length, label);
    await o.check?.(d);
    tally.opened++;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(label)) throw e;
    typed(e, 'read');
    if (o.mustOpen) throw new Error(`${label}: had to read, got: ${(e as Error).message}`);
    tally.refusedAtRead++;
  } finally {
    await d.close?.();
  }
}

const fresh = (name: string) => join(root, `${name}-${dirs++}`);
const AWKWARD_U32 = [0, 1, 2, 3, 4, 5, 10, 255, 256, 0x7fffffff, 0xffffffff, 60_000, 28];

describe('fuzz: dataset readers on damaged folders (500 each, seeded)', () => {
  it('MNIST IDX files', async () => {
    const rng = new Rng(21);
    const tally: Tally = { opened: 0, refusedAtOpen: 0, refusedAtRead: 0, byKind: {} };
    for (let i = 0; i < 500; i++) {
      const files: Files = { ...mnistFiles(5, 2) };
      const name = pick(rng, MNIST_FILES);
      // gzip cases unpack through the atomic writer (fsync): fewer of them keeps the test fast
      const kind = pick(rng, ['header', 'header', 'bytes', 'bytes', 'special', 'special', 'gzip', 'gzip-bad', 'label'] as const);
      let target: string = name;
      const b = Buffer.from(files[name] as Uint8Array);
      if (kind === 'header') {
        const field = rng.int(name.includes('images') ? 4 : 2);
        b.writeUInt32BE(field === 0 ? pick(rng, [0x801, 0x803, 0x801 + rng.int(4), 0x0d03, 0]) : pick(rng, AWKWARD_U32), 4 * field);
        files[name] = b;
      } else if (kind === 'bytes') files[name] = damageBytes(b, rng);
      else if (kind === 'special') files[name] = { special: pick(rng, SPECIAL_KINDS) };
      else if (kind === 'gzip' || kind === 'gzip-bad') {
        delete files[name];
        target = `${name}.gz`;
        const gz = gzipSync(b);
        files[target] = kind === 'gzip' ? gz : damageBytes(gz, rng);
      } else {
        const labels = name.includes('labels') ? name : name.replace('images-idx3', 'labels-idx1');
        const lb = Buffer.from(files[labels as (typeof MNIST_FILES)[number]] as Uint8Array);
        lb[8 + rng.int(lb.length - 8)] = 10 + rng.int(246);
        files[labels] = lb;
      }
      const dir = fresh('idx');
      writeFolder(dir, files);
      const spec = files[target];
      const special = spec instanceof Uint8Array ? null : spec.special;
      await runCase(dir, `idx #${i} (${kind} ${target}${special ? ` ${special}` : ''})`, kind, tally, {
        ...(kind === 'gzip' ? { mustOpen: true } : {}),
        // a missing train-images file makes the folder unrecognisable; every other special path is named
        ...(special && !(special === 'missing' && name === 'train-images-idx3-ubyte') ? { mustAtOpen: special === 'missing' ? /missing / : SPECIAL_MESSAGE[special] } : {}),
        ...(kind === 'label' ? { mustAtOpen: /label \d+ of sample \d+ is outside 0–9/ } : {}),
      });
    }
    expect(tally.opened).toBeGreaterThan(50);
    expect(tally.refusedAtOpen).toBeGreaterThan(200);
  });

  it('CIFAR-10 binary batches', async () => {
    const rng = new Rng(22);
    const tally: Tally = { opened: 0, refusedAtOpen: 0, refusedAtRead: 0, byKind: {} };
    const names = Object.keys(cifarFiles());
    for (let i = 0; i < 500; i++) {
      const files: Files = cifarFiles();
      const kind = pick(rng, ['bytes', 'special', 'label', 'meta-utf8', 'meta-lines', 'meta-bom'] as const);
      const name = kind.startsWith('meta') ? 'batches.meta.txt' : pick(rng, names.filter((n) => kind === 'bytes' || kind === 'special' || n !== 'batches.meta.txt'));
      const b = Buffer.from(files[name] as Uint8Array);
      let must: RegExp | undefined;
      let mustOpen = false;
      if (kind === 'bytes') files[name] = damageBytes(b, rng);
      else if (kind === 'special') {
        const special = pick(rng, SPECIAL_KINDS);
        files[name] = { special };
        // a missing meta file means the default class names; a missing data_batch_1 means no CIFAR folder
        if (!(special === 'missing' && (name === 'batches.meta.txt' || name === 'data_batch_1.bin'))) must = special === 'missing' ? /missing: CIFAR-10 needs/ : SPECIAL_MESSAGE[special];
        if (special === 'missing' && name === 'batches.meta.txt') mustOpen = true;
      } else if (kind === 'label') {
        b[0] = 10 + rng.int(246);
        files[name] = b;
      } else if (kind === 'meta-utf8') {
        const at = rng.int(b.length + 1);
        files[name] = insertAt(b, at, pick(rng, INVALID_UTF8));
        must = new RegExp(`batches\\.meta\\.txt: invalid UTF-8 at byte ${at} `);
      } else if (kind === 'meta-lines') {
        const lines = b.toString().split('\n').filter(Boolean);
        const n = pick(rng, [0, 1, 9, 11, 20]);
        files[name] = Buffer.from(Array.from({ length: n }, (_, k) => lines[k % 10]).join(pick(rng, ['\n', '\r\n'])));
        must = new RegExp(`expected 10 class names, one per line, found ${n}`);
      } else {
        files[name] = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b.toString().replace(/\n/g, '\r\n')].map((x) => Buffer.from(x)));
        mustOpen = true;
      }
      const dir = fresh('cifar');
      writeFolder(dir, files);
      await runCase(dir, `cifar #${i} (${kind} ${name})`, kind, tally, {
        ...(must ? { mustAtOpen: must } : {}),
        ...(mustOpen
          ? {
              mustOpen: true,
              check: async (d) => {
                expect(d.classes).toHaveLength(10);
                expect(d.classes![0]).toBe('airplane');
              },
            }
          : {}),
      });
    }
    expect(tally.opened).toBeGreaterThan(50);
    expect(tally.refusedAtOpen).toBeGreaterThan(150);
    expect(tally.refusedAtRead).toBeGreaterThan(20); // out-of-range labels are found when their records are read
  });

  it('image folders (PNG and JPEG)', async () => {
    const rng = new Rng(23);
    const tally: Tally = { opened: 0, refusedAtOpen: 0, refusedAtRead: 0, byKind: {} };
    // encoded once (encoding is most of the cost on a loaded machine), copied per case
    const CLEAN: Record<string, Uint8Array> = { 'a/1.png': png(4, 4, (x, y) => [x * 60, y * 60, 9]), 'a/2.jpg': jpg(4, 4, 80), 'b/1.png': png(4, 4), 'b/2.png': png(5, 3) };
    const clean = (): Record<string, Uint8Array> => Object.fromEntries(Object.entries(CLEAN).map(([k, v]) => [k, v.slice()]));
    const reference = fresh('img-ref');
    writeFolder(reference, clean());
    const ref = await openDataset({ kind: 'folder', path: reference });
    const refX = (await ref.train.read(0, 4)).x;
    for (let i = 0; i < 500; i++) {
      const files: Files = clean();
      const name = pick(rng, ['a/1.png', 'b/1.png', 'b/2.png', 'a/2.jpg']);
      const isPng = name.endsWith('.png');
      const kind = pick(rng, isPng ? (['bytes', 'trailer', 'huge', 'empty-size', 'special', 'signature'] as const) : (['bytes', 'special', 'signature'] as const));
      const b = Buffer.from(files[name] as Uint8Array);
      const o: Parameters<typeof runCase>[4] = {};
      if (kind === 'bytes') files[name] = damageBytes(b, rng);
      else if (kind === 'trailer') {
        files[name] = Buffer.concat([b, Buffer.from(Array.from({ length: 1 + rng.int(300) }, () => rng.int(256)))]);
        o.mustOpen = true;
        o.check = async (d) => expect(Array.from((await d.train.read(0, 4)).x)).toEqual(Array.from(refX));
      } else if (kind === 'huge') {
        const [w, h] = pick(rng, [[100_000, 100_000], [0x7fffffff, 2], [20_000, 5_000], [2 ** 31, 2 ** 31]]);
        files[name] = pngWithSize(b, w, h);
        o.mustAtOpen = new RegExp(`${w}×${h} = [\\d,]+ pixels, more than the ${MAX_IMAGE_PIXELS.toLocaleString('en-US')}`);
      } else if (kind === 'empty-size') {
        files[name] = pngWithSize(b, rng.int(2) ? 0 : 4, 0);
        o.mustAtOpen = /pixels: an image needs at least 1×1/;
      } else if (kind === 'special') {
        const special = pick(rng, SPECIAL_KINDS.filter((k) => k !== 'missing'));
        files[name] = { special };
        o.mustAtOpen = SPECIAL_MESSAGE[special];
      } else {
        files[name] = b.subarray(0, rng.int(Math.min(b.length, 12)));
        o.mustAtOpen = /unreadable (PNG|JPEG) image: (the file does not start like a|truncated)/;
      }
      const dir = fresh('img');
      writeFolder(dir, files);
      await runCase(dir, `images #${i} (${kind} ${name})`, kind, tally, o);
    }
    await ref.close?.();
    expect(tally.opened).toBeGreaterThan(50);
    expect(tally.refusedAtOpen).toBeGreaterThan(150);
    expect(tally.byKind.trailer).toBeGreaterThan(30);
    expect(tally.byKind.huge).toBeGreaterThan(30);
  });

  it('the browser build\'s in-memory readers (IDX and CIFAR-10 bytes from a file input)', async () => {
    const rng = new Rng(24);
    let opened = 0;
    let refused = 0;
    for (let i = 0; i < 500; i++) {
      const idx = rng.random() < 0.5;
      const files: MemoryFile[] = Object.entries(idx ? mnistFiles(5, 2) : cifarFiles()).map(([name, bytes]) => ({ name: `data/${name}`, bytes: new Uint8Array(bytes) }));
      const f = pick(rng, files);
      const kind = pick(rng, ['bytes', 'header', 'drop', 'utf8'] as const);
      if (kind === 'bytes') f.bytes = damageBytes(f.bytes, rng);
      else if (kind === 'header') new DataView(f.bytes.buffer, f.bytes.byteOffset).setUint32(4 * rng.int(Math.min(4, f.bytes.length >> 2)), pick(rng, AWKWARD_U32));
      else if (kind === 'drop') files.splice(files.indexOf(f), 1);
      else f.bytes = insertAt(f.bytes, rng.int(f.bytes.length + 1), pick(rng, INVALID_UTF8));
      const label = `memory #${i} (${idx ? 'idx' : 'cifar'} ${kind} ${f.name})`;
      try {
        const d = openMemoryData({ format: null, label: 'data', files });
        const size = d.inputShape.reduce((a, b) => a * b, 1);
        await readAll(d.train, size, d.classes!.length, label);
        if (d.test) await readAll(d.test, size, d.classes!.length, label);
        opened++;
      } catch (e) {
        if (e instanceof Error && e.message.startsWith(label)) throw e;
        if (!(e instanceof DatasetError)) throw new Error(`${label}: untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        if (kind === 'utf8' && f.name.endsWith('batches.meta.txt') && !/invalid UTF-8 at byte \d+/.test(e.message)) throw new Error(`${label}: ${e.message}`);
        refused++;
      }
    }
    expect(opened).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(200);
  });
});
