/**
 * Binary weights (convas-weights v2, safetensors layout) and the streamed writers/readers: both
 * forms round-trip through files, the form follows the name, JSON is written in slices but reads
 * as before, and every kind of damage to a binary file is named. Also the checkpoint file store's
 * piece-by-piece reader against the same damage the in-memory decoder refuses.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { FormatError } from '../../src/engine/io/errors';
import { matchWeights, parseWeightsFile, weightsToJson } from '../../src/engine/io/weights';
import { decodeWeightsBinary, isWeightsBinary, WEIGHTS_BINARY_VERSION } from '../../src/engine/io/weights-binary';
import { encodeWeightsFile, suggestedWeightsName, weightsFormatFor } from '../../src/engine/io/weights-encode';
import { loadWeightsFile, saveWeightsFile } from '../../src/engine/io/weights-file.node.js';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { joinChunks } from '../../src/engine/io/bytes';
import { encodeCheckpoint, encodeCheckpointChunks, type CheckpointState } from '../../src/engine/train/checkpoint';
import { fileCheckpointStore, readCheckpointFile } from '../../src/engine/train/checkpoint-file.node.js';
import { initWeights } from '../../src/engine/train/weights';
import { readWeightsContent } from '../../src/main/files';
import { convBnDense } from '../helpers/small-graphs';

const graph: Graph = convBnDense({ side: 12, filters: 4, kernel: 5, units: 3 });
const report = inferShapes(graph);
const weights = initWeights(report, 'xavier', 3);
const dir = mkdtempSync(join(tmpdir(), 'convas-wbin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const binary = () => joinChunks([...encodeWeightsFile(report, weights, { graph, metrics: { acc: 0.5 } }, 'binary')]);

function failure(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected a FormatError');
}

/** The header of a binary file as JSON, edited, then written back with the data unchanged. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary header fields
type Header = Record<string, any>;

function editHeader(bytes: Uint8Array, edit: (h: Header) => void): Uint8Array {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  edit(h);
  const json = new TextEncoder().encode(JSON.stringify(h));
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setUint32(0, json.length, true);
  head.set(json, 8);
  return joinChunks([head, bytes.subarray(8 + n)]);
}

describe('binary weights (version 2)', () => {
  it('round-trips every bit, with the graph and metrics, through a file', async () => {
    const f = join(dir, 'w.safetensors');
    await saveWeightsFile(f, report, weights, { graph, metrics: { acc: 0.5 } });
    const raw = readFileSync(f);
    expect(isWeightsBinary(raw)).toBe(true);
    const back = loadWeightsFile(f);
    expect(back.version).toBe(WEIGHTS_BINARY_VERSION);
    expect(back.graph).toEqual(graph);
    expect(back.metrics).toEqual({ acc: 0.5 });
    const m = matchWeights(report, back);
    for (const k of Object.keys(weights)) expect(bits(m[k]), k).toEqual(bits(weights[k]));
    // the data starts at a multiple of 8, as safetensors writers do
    expect((8 + raw.readUInt32LE(0)) % 8).toBe(0);
  });

  it('reads the same from bytes in memory (the app’s upload) as from a file', () => {
    const back = parseWeightsFile(decodeWeightsBinary(binary()), '', WEIGHTS_BINARY_VERSION);
    expect(Object.keys(back.tensors)).toEqual(Object.keys(weights));
    expect(bits(back.tensors['fc.weight'].data)).toEqual(bits(weights['fc.weight']));
  });

  it('opens in Python with only the published layout (u64 length, header, data offsets)', () => {
    const f = join(dir, 'py.safetensors');
    writeFileSync(f, binary());
    const script = `
import json, struct, sys
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
s, e = h['fc.bias']['data_offsets']
print(json.dumps({'meta': h['__metadata__']['format'], 'bias': list(struct.unpack('<%df' % ((e - s) // 4), b[8 + n + s:8 + n + e]))}))`;
    const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, f]).toString());
    expect(out.meta).toBe('convas-weights');
    expect(out.bias).toEqual(Array.from(weights['fc.bias']));
  });

  it('takes a plain safetensors file (a PyTorch state_dict, no Convas metadata) as bare tensors', () => {
    const plain = editHeader(binary(), (h) => {
      h.__metadata__ = { format: 'pt' };
    });
    const back = parseWeightsFile(decodeWeightsBinary(plain), '', WEIGHTS_BINARY_VERSION);
    expect(back.graph).toBeNull();
    expect(Object.keys(matchWeights(report, back))).toHaveLength(Object.keys(weights).length);
  });

  it('names every kind of damage', () => {
    const good = binary();
    const decode = (b: Uint8Array) => parseWeightsFile(decodeWeightsBinary(b), '', WEIGHTS_BINARY_VERSION);
    expect(failure(() => decode(good.subarray(0, good.length - 4))).message).toMatch(/^truncated: the header describes \d+ bytes, the file has \d+$/);
    expect(failure(() => decode(joinChunks([good, new Uint8Array(4)]))).message).toMatch(/^too long/);
    expect(failure(() => decode(good.subarray(0, 30))).message).toMatch(/^truncated: the header needs \d+ bytes/);
    const gap = editHeader(good, (h) => {
      h['conv1.bias'].data_offsets = h['conv1.bias'].data_offsets.map((o: number) => o + 4);
    });
    expect(failure(() => decode(gap)).message).toMatch(/data starts at byte \d+, expected \d+ \(tensors must follow each other with no gap or overlap\)/);
    const f16 = editHeader(good, (h) => {
      h['fc.bias'].dtype = 'F16';
    });
    expect(failure(() => decode(f16)).message).toBe('fc.bias: dtype "F16" is not supported; Convas weights are float32 ("F32")');
    const shape = editHeader(good, (h) => {
      h['fc.bias'].shape = [4];
    });
    expect(failure(() => decode(shape)).message).toMatch(/^fc\.bias: data_offsets \[\d+, \d+\] hold 12 bytes, shape 4 needs 16$/);
    const newer = editHeader(good, (h) => {
      h.__metadata__.version = '3';
    });
    expect(failure(() => decode(newer)).message).toBe('convas-weights version 3 is newer than this Convas understands (2)');
    const badMeta = editHeader(good, (h) => {
      h.__metadata__.graph = '{nope';
    });
    expect(failure(() => decode(badMeta)).message).toMatch(/^__metadata__\.graph is not valid JSON text/);
    const nan = good.slice();
    const n = new DataView(nan.buffer).getUint32(0, true);
    new DataView(nan.buffer).setFloat32(8 + n + 8, NaN, true);
    expect(failure(() => decode(nan)).message).toBe('conv1.weight: data[2] is NaN, not a finite number');
    expect(isWeightsBinary(new TextEncoder().encode('{"format":"convas-weights"}'))).toBe(false);
  });

  it('refuses to write NaN, naming the tensor and index', () => {
    const bad = { ...weights, 'fc.bias': Float32Array.from([0, Infinity, 0]) };
    expect(() => encodeWeightsFile(report, bad, {}, 'binary')).toThrow('fc.bias: data[1] is Infinity, not a finite number');
  });
});

describe('weights JSON written in slices', () => {
  it('parses to the same file weightsToJson makes, and loads through the same reader', async () => {
    const f = join(dir, 'w.json');
    await saveWeightsFile(f, report, weights, { graph, metrics: { acc: 0.5 } });
    const text = readFileSync(f, 'utf8');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(weightsToJson(report, weights, { graph, metrics: { acc: 0.5 } }))));
    const back = loadWeightsFile(f);
    expect(back.version).toBe(1);
    expect(bits(back.tensors['conv1.weight'].data)).toEqual(bits(weights['conv1.weight']));
  });

  it('picks the form by name and suggests a name by size', () => {
    expect(weightsFormatFor('a/b.weights.json')).toBe('json');
    expect(weightsFormatFor('B.JSON')).toBe('json');
    expect(weightsFormatFor('b.safetensors')).toBe('binary');
    expect(weightsFormatFor('b.bin')).toBe('binary');
    expect(suggestedWeightsName('net', 1000)).toBe('net.weights.json');
    expect(suggestedWeightsName('net', 138_357_544)).toBe('net.safetensors');
  });

  it('names the file in a load error', () => {
    const f = join(dir, 'trunc.safetensors');
    writeFileSync(f, binary().subarray(0, 200));
    expect(() => loadWeightsFile(f)).toThrow(new RegExp(`^${f.replace(/[.]/g, '\\.')}: truncated`));
  });
});

describe('Electron main opening a weights file for the app', () => {
  it('gives binary weights as bytes and weights JSON as text', async () => {
    const b = join(dir, 'main.safetensors');
    const j = join(dir, 'main.weights.json');
    await saveWeightsFile(b, report, weights);
    await saveWeightsFile(j, report, weights);
    const bytes = await readWeightsContent(b);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes).toEqual(new Uint8Array(readFileSync(b)));
    expect(await readWeightsContent(j)).toBe(readFileSync(j, 'utf8'));
    await expect(readWeightsContent(dir)).rejects.toThrow(`${dir} is not a file`);
  });
});

describe('checkpoint file store (piece by piece)', () => {
  const state = (): CheckpointState => ({
    epoch: 1,
    step: 2,
    globalStep: 9,
    rng: [1, 2, 3, 4],
    accum: { lossSum: 0.5, correct: 3, samples: 8, steps: 1, seconds: 0.1 },
    lastMetrics: null,
    normalization: null,
    run: { graph, data: { kind: 'shapes' }, hyper: { seed: 1 } },
    weights: { 'conv.weight': Float32Array.from([1.1, -0, NaN, 3e-45]), 'conv.bias': Float32Array.from([7]) },
    optimizerState: { 'conv.weight.momentum_buffer': Float32Array.from([0.1, 0.2, 0.3, 0.4]) },
  });

  it('reads what it wrote, bit for bit, and the same bytes as the in-memory encoder', async () => {
    const f = join(dir, 'run.ckpt');
    await fileCheckpointStore.write(f, encodeCheckpointChunks(state(), fileCheckpointStore.crc32));
    expect(new Uint8Array(readFileSync(f))).toEqual(encodeCheckpoint(state()));
    const back = readCheckpointFile(f);
    expect(back).toEqual(state());
    expect(Object.is(back.weights['conv.weight'][1], -0)).toBe(true);
    expect(await fileCheckpointStore.load(f)).toEqual(state());
  });

  it('names the file and the damage: missing, not a checkpoint, truncated, corrupted, a directory', () => {
    const bytes = encodeCheckpoint(state());
    const f = join(dir, 'bad.ckpt');
    expect(() => readCheckpointFile(join(dir, 'none.ckpt'))).toThrow(/none\.ckpt: no such checkpoint file/);
    writeFileSync(f, '{"format":"convas-weights"}');
    expect(() => readCheckpointFile(f)).toThrow(/bad\.ckpt: not a Convas checkpoint/);
    writeFileSync(f, bytes.subarray(0, bytes.length - 4));
    expect(() => readCheckpointFile(f)).toThrow(/bad\.ckpt: truncated: 3 tensors need \d+ bytes, the file has \d+/);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 0x40;
    writeFileSync(f, flipped);
    expect(() => readCheckpointFile(f)).toThrow(/bad\.ckpt: corrupt: the checksum does not match/);
    expect(() => readCheckpointFile(dir)).toThrow(/not a regular file/);
  });
});
