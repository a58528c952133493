/**
 * Binary weights (v2) on mutated files: bytes flipped in the length, header or data, files cut
 * short or extended, header JSON mutated (values, offsets, dtypes, metadata). Reading either
 * returns tensors of finite float32s whose length fits their shape, or throws a FormatError (or,
 * through the file reader, an InputFileError) — never another error, never garbage accepted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { joinChunks } from '../../src/engine/io/bytes';
import { FormatError } from '../../src/engine/io/errors';
import { InputFileError } from '../../src/engine/io/input-file.node.js';
import { matchWeights, parseWeightsFile, type WeightsFile } from '../../src/engine/io/weights';
import { decodeWeightsBinary, WEIGHTS_BINARY_VERSION } from '../../src/engine/io/weights-binary';
import { encodeWeightsFile } from '../../src/engine/io/weights-encode';
import { loadWeightsFile } from '../../src/engine/io/weights-file.node.js';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { mutate, pick } from './fuzz-mutate';
import { convBnDense } from '../helpers/small-graphs';

const graph: Graph = convBnDense({ side: 6, filters: 2, kernel: 3, units: 2 });
const report = inferShapes(graph);
const VALID = joinChunks(encodeWeightsFile(report, initWeights(report, 'msra', 1), { graph, metrics: { loss: 0.3 } }, 'binary'));
const HEADER_END = 8 + new DataView(VALID.buffer).getUint32(0, true);
const dir = mkdtempSync(join(tmpdir(), 'convas-wfuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withHeader(h: unknown, data: Uint8Array): Uint8Array {
  return withHeaderText(JSON.stringify(h) ?? 'null', data);
}

function withHeaderText(text: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(text);
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setUint32(0, json.length, true);
  head.set(json, 8);
  return joinChunks([head, data]);
}

const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);
const DEEP_HEADER = withHeaderText(DEEP, VALID.subarray(HEADER_END));
const DEEP_METADATA = withHeader({ __metadata__: { format: 'convas-weights', graph: DEEP } }, new Uint8Array(0));

/** One damaged file. */
function damaged(rng: Rng): Uint8Array {
  const b = VALID.slice();
  const op = rng.int(7);
  if (op === 6) {
    // nesting 100,000 deep, in the header or in a metadata value: refused, not a stack overflow
    return rng.random() < 0.5 ? DEEP_HEADER : DEEP_METADATA;
  }
  if (op === 0) {
    for (let k = 1 + rng.int(4); k > 0; k--) b[rng.int(HEADER_END)] ^= 1 << rng.int(8); // header bytes
    return b;
  }
  if (op === 1) {
    for (let k = 1 + rng.int(4); k > 0; k--) b[HEADER_END + rng.int(b.length - HEADER_END)] = pick(rng, [0xff, 0x7f, 0x80, 0x00]); // data: NaN/Inf patterns
    return b;
  }
  if (op === 2) return b.subarray(0, rng.int(b.length)); // cut short
  if (op === 3) return joinChunks([b, new Uint8Array(1 + rng.int(64)).fill(rng.int(256))]); // extended
  if (op === 4) {
    new DataView(b.buffer).setUint32(0, pick(rng, [0, 1, HEADER_END - 9, HEADER_END - 7, b.length, 2 ** 31, 100 * 1024 * 1024 + 1]), true); // header length
    return b;
  }
  const header = JSON.parse(new TextDecoder().decode(VALID.subarray(8, HEADER_END)));
  return withHeader(mutate(header, rng), VALID.subarray(HEADER_END)); // header values
}

function check(read: () => WeightsFile, label: string, tally: { read: number; matched: number; refused: number }): void {
  let file: WeightsFile;
  try {
    file = read();
  } catch (e) {
    if (!(e instanceof FormatError) && !(e instanceof InputFileError)) throw new Error(`${label}: threw ${String(e)}`);
    tally.refused++;
    return;
  }
  tally.read++;
  for (const [key, t] of Object.entries(file.tensors)) {
    expect(t.data, `${label}: ${key}`).toBeInstanceOf(Float32Array);
    expect(t.data.length, `${label}: ${key}`).toBe(t.shape.reduce((a, b) => a * b, 1));
    expect(t.data.every(Number.isFinite), `${label}: ${key} holds a non-finite value`).toBe(true);
  }
  try {
    matchWeights(report, file);
    tally.matched++;
  } catch (e) {
    if (!(e instanceof FormatError)) throw new Error(`${label}: matchWeights threw ${String(e)}`);
  }
}

describe('fuzz: binary weights', () => {
  it('mutated files in memory (2,000, seeded)', () => {
    const rng = new Rng(7);
    const tally = { read: 0, matched: 0, refused: 0 };
    for (let i = 0; i < 2000; i++) {
      const bytes = damaged(rng);
      check(() => parseWeightsFile(decodeWeightsBinary(bytes), '', WEIGHTS_BINARY_VERSION), `mutation #${i}`, tally);
    }
    // both outcomes must occur often, or the mutations are not exploring
    expect(tally.refused).toBeGreaterThan(500);
    expect(tally.read).toBeGreaterThan(100);
  });

  it('mutated files through the file reader (500, seeded)', () => {
    const rng = new Rng(8);
    const tally = { read: 0, matched: 0, refused: 0 };
    const f = join(dir, 'w.safetensors');
    for (let i = 0; i < 500; i++) {
      writeFileSync(f, damaged(rng));
      check(() => loadWeightsFile(f), `file mutation #${i}`, tally);
    }
    expect(tally.refused).toBeGreaterThan(100);
    expect(tally.read).toBeGreaterThan(20);
  });
});
