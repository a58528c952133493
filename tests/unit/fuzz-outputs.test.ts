/**
 * Special-file outputs, fuzzed: the one atomic writer (weights, checkpoints, CLI outputs) and
 * the probe `convas train` runs before a long job, on 300 seeded targets — new and existing
 * files, directories, FIFOs, /dev/null and /dev/full behind links, links to files and folders,
 * paths under a file, missing folders — with whole, chunked and failing bodies. A write either
 * lands whole in a regular file, or is refused with an AtomicWriteError naming the path, and
 * the thing at the path is exactly what it was (a device stays a device, a link the same link);
 * no temporary file is left behind either way.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicWriteError, checkWriteTarget, writeFileAtomic } from '../../src/engine/io/atomic-file.node.js';
import { Rng } from '../../src/engine/util/rng';
import { makeSpecial } from './fuzz-bytes';
import { pick } from './fuzz-mutate';

const root = mkdtempSync(join(tmpdir(), 'convas-fuzz-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KINDS = ['new', 'existing', 'directory', 'fifo', 'dev-null', 'dev-full', 'link-to-file', 'link-to-dir', 'under-a-file', 'missing-folder'] as const;
type Kind = (typeof KINDS)[number];

/** What is at a path, in enough detail to see that a refused write changed nothing. */
function whatIsAt(path: string): string {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return `link → ${readlinkSync(path)}`;
    if (st.isFile()) return `file ${readFileSync(path).toString('hex')}`;
    if (st.isDirectory()) return `dir [${readdirSync(path).join(',')}]`;
    if (st.isFIFO()) return 'fifo';
    return 'other';
  } catch {
    return 'nothing';
  }
}

function prepare(dir: string, kind: Kind): string {
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'out.bin');
  if (kind === 'existing') writeFileSync(target, 'old content');
  else if (kind === 'directory') makeSpecial(target, 'directory');
  else if (kind === 'fifo') makeSpecial(target, 'fifo');
  else if (kind === 'dev-null') makeSpecial(target, 'dev-null');
  else if (kind === 'dev-full') symlinkSync('/dev/full', target);
  else if (kind === 'link-to-file') {
    writeFileSync(join(dir, 'real.bin'), 'real');
    symlinkSync(join(dir, 'real.bin'), target);
  } else if (kind === 'link-to-dir') makeSpecial(target, 'symlink-to-dir');
  else if (kind === 'under-a-file') {
    writeFileSync(join(dir, 'plain'), 'x');
    return join(dir, 'plain', 'out.bin');
  } else if (kind === 'missing-folder') return join(dir, 'no-such-folder', 'out.bin');
  return target;
}

describe('fuzz: special-file outputs (300 targets, seeded)', () => {
  it('every write lands whole in a regular file or is refused, naming the path and changing nothing', async () => {
    const rng = new Rng(41);
    const tally = { written: 0, refused: 0, bodyFailed: 0 };
    for (let i = 0; i < 300; i++) {
      const kind = pick(rng, KINDS);
      const dir = join(root, `c${i}`);
      const target = prepare(dir, kind);
      const label = `#${i} (${kind})`;
      const content = Buffer.from(Array.from({ length: rng.int(5000) }, () => rng.int(256)));
      const failing = rng.random() < 0.15;
      const body = failing
        ? async (write: (c: Uint8Array) => Promise<void>) => {
            await write(content.subarray(0, content.length >> 1));
            throw new Error('the body failed mid-way');
          }
        : rng.random() < 0.5
          ? content
          : [content.subarray(0, 7), content.subarray(7)];
      const before = whatIsAt(target);
      const regular = kind === 'new' || kind === 'existing';
      // the probe `convas train` runs first agrees with the writer
      let probe: unknown = null;
      try {
        await checkWriteTarget(target);
      } catch (e) {
        probe = e;
      }
      if (regular) expect(probe, label).toBeNull();
      else expect(probe, label).toBeInstanceOf(AtomicWriteError);
      try {
        await writeFileAtomic(target, body);
        expect(regular && !failing, `${label}: the write succeeded`).toBe(true);
        expect(readFileSync(target).equals(content), label).toBe(true);
        tally.written++;
      } catch (e) {
        if (failing && regular) {
          expect((e as Error).message, label).toBe('the body failed mid-way');
          tally.bodyFailed++;
        } else {
          expect(e, `${label}: ${String(e)}`).toBeInstanceOf(AtomicWriteError);
          expect((e as Error).message, label).toContain(target);
          expect(regular, `${label}: a regular target was refused: ${(e as Error).message}`).toBe(false);
          tally.refused++;
        }
        expect(whatIsAt(target), `${label}: the target changed`).toBe(before);
      }
      const left = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
      expect(left, `${label}: temporary files left`).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(tally.written).toBeGreaterThan(30);
    expect(tally.refused).toBeGreaterThan(150);
    expect(tally.bodyFailed).toBeGreaterThan(5);
  });
});
