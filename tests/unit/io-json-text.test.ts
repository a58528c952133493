/**
 * The checked JSON reader: invalid UTF-8 refused at its byte offset, nesting refused before it
 * can overflow a stack, syntax errors with line and column, and files that are not files
 * (directory, FIFO, device) refused with their path.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../src/engine/io/project';
import { InputFileError, readJsonFile } from '../../src/engine/io/input-file.node.js';
import { checkJsonDepth, decodeUtf8, findInvalidUtf8, jsonSyntaxErrorAt, JsonTextError, MAX_JSON_DEPTH, parseJsonBytes, parseJsonText } from '../../src/engine/io/json-text';
import { parseBinaryHeader } from '../../src/engine/io/weights-binary';
import { CHECKPOINT_MAGIC, CheckpointError, decodeCheckpoint } from '../../src/engine/train/checkpoint';
import { documentFromText } from '../../src/renderer/project/convert';

const root = mkdtempSync(join(tmpdir(), 'convas-json-text-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('UTF-8', () => {
  it('finds where the first bad sequence starts, agreeing with the platform decoder on what is valid', () => {
    expect(findInvalidUtf8(new TextEncoder().encode('héllo → 😀'))).toBeNull();
    expect(findInvalidUtf8(bytes(0x61, 0xff))).toEqual({ offset: 1, why: '0xff is a byte that never occurs in UTF-8' });
    expect(findInvalidUtf8(bytes(0x61, 0x62, 0x80))?.offset).toBe(2); // stray continuation
    expect(findInvalidUtf8(bytes(0xc0, 0x80))?.offset).toBe(0); // overlong NUL
    expect(findInvalidUtf8(bytes(0xe0, 0x80, 0x80))?.offset).toBe(0); // overlong 3-byte
    expect(findInvalidUtf8(bytes(0xed, 0xa0, 0x80))?.offset).toBe(0); // surrogate U+D800
    expect(findInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))?.offset).toBe(0); // above U+10FFFF
    expect(findInvalidUtf8(bytes(0x20, 0xe2, 0x82))?.why).toMatch(/cut off by the end of the file/);
    // every 2-byte pattern: our validator and TextDecoder(fatal) agree
    const fatal = new TextDecoder('utf-8', { fatal: true });
    for (let a = 0x80; a < 0x100; a++) {
      for (const b of [0x00, 0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xff]) {
        let ok = true;
        try {
          fatal.decode(bytes(a, b));
        } catch {
          ok = false;
        }
        expect(findInvalidUtf8(bytes(a, b)) === null, `${a.toString(16)} ${b.toString(16)}`).toBe(ok);
      }
    }
  });

  it('decodeUtf8 refuses with the byte offset and line, and drops a BOM', () => {
    const text = new TextEncoder().encode('{\n  "name": "caf');
    const bad = new Uint8Array([...text, 0xe9, ...new TextEncoder().encode('"\n}')]); // Latin-1 é
    expect(() => decodeUtf8(bad)).toThrow(`invalid UTF-8 at byte ${text.length} (line 2): 0xe9 starts a 3-byte sequence, but byte ${text.length + 1} is 0x22`);
    try {
      decodeUtf8(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(JsonTextError);
      expect((e as JsonTextError).offset).toBe(text.length); // the Latin-1 é itself
    }
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toBe('{}');
  });
});

describe('nesting depth', () => {
  it('refuses 100,000 levels before parsing, with line and column; brackets in strings do not count', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseJsonText(deep)).toThrow(`nested deeper than ${MAX_JSON_DEPTH} levels at line 1, column ${MAX_JSON_DEPTH + 1}`);
    const deepObj = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(() => parseJsonText(deepObj)).toThrow(/nested deeper than 256 levels/);
    expect(() => checkJsonDepth(`{"s": "${'['.repeat(5000)}\\"["}`)).not.toThrow();
    expect(parseJsonText('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
  });

  it('syntax errors and empty text are JsonTextErrors with line and column', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": }')).toThrow(/^not valid JSON at line 3, column 8/);
    expect(() => parseJsonText('  \n')).toThrow(/^empty$/);
    expect(() => parseJsonText('[1, 2')).toThrow('not valid JSON at line 1, column 6: the text ends too early');
    expect(() => parseJsonText('{"a": tru}')).toThrow('not valid JSON at line 1, column 7: unexpected "tru}"');
    expect(() => parseJsonBytes(bytes(0x7b, 0xff, 0x7d))).toThrow(/invalid UTF-8 at byte 1/);
  });
});

describe('the syntax-error locator', () => {
  it('finds an error exactly when JSON.parse fails (5,000 damaged texts)', () => {
    const good = JSON.stringify({ a: [1, -2.5e-3, true, null, 'x\\"\\u00e9\n'], b: { c: {}, d: [] }, e: false, f: 'ü' });
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', '1', '-', '.', 'e', 't', 'n', ' ', '\n', '\u0001', 'x'];
    let seed = 7;
    const rand = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    let failures = 0;
    for (let n = 0; n < 5000; n++) {
      let t = good;
      for (let m = 1 + rand(3); m > 0; m--) {
        const at = rand(t.length + 1);
        const op = rand(3);
        t = op === 0 ? t.slice(0, at) + t.slice(at + 1) : op === 1 ? t.slice(0, at) + pieces[rand(pieces.length)] + t.slice(at) : t.slice(0, at);
      }
      let parses = true;
      try {
        JSON.parse(t);
      } catch {
        parses = false;
      }
      if (!parses) failures++;
      expect(jsonSyntaxErrorAt(t) < 0, JSON.stringify(t)).toBe(parses);
    }
    expect(failures).toBeGreaterThan(2500);
  });
});

describe('readJsonFile', () => {
  it('names the file for a directory, a FIFO, a device, a missing file, bad UTF-8 and deep nesting', () => {
    const dir = join(root, 'a-dir.json');
    mkdirSync(dir);
    expect(() => readJsonFile(dir)).toThrow(`cannot read ${dir}: it is a directory, not a JSON file`);
    const fifo = join(root, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    expect(() => readJsonFile(fifo)).toThrow(`cannot read ${fifo}: it is a named pipe (FIFO), not a JSON file`);
    expect(() => readJsonFile('/dev/zero')).toThrow('cannot read /dev/zero: it is a character device, not a JSON file');
    expect(() => readJsonFile(join(root, 'nope.json'))).toThrow(/nope\.json: no such file$/);
    const latin1 = join(root, 'latin1.json');
    writeFileSync(latin1, Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
    expect(() => readJsonFile(latin1)).toThrow(`${latin1}: invalid UTF-8 at byte 13 (line 1)`);
    const deep = join(root, 'deep.json');
    writeFileSync(deep, '['.repeat(100_000) + ']'.repeat(100_000));
    expect(() => readJsonFile(deep)).toThrow(InputFileError);
    expect(() => readJsonFile(deep)).toThrow(`${deep}: nested deeper than 256 levels at line 1, column 257`);
  });
});

describe('the app opens projects through the same reader', () => {
  it('documentFromText refuses deep nesting with the file name, not a stack overflow', () => {
    const text = `{"format":"convas-project","version":1,"graph":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => documentFromText(text, 'deep.convas.json', { name: 'deep', path: null })).toThrow(/^deep\.convas\.json: nested deeper than 256 levels at line 1, column 303/);
    // and the engine loader itself never overflows on what the reader lets through
    expect(() => parseProject(parseJsonText('{"format":"convas-project","version":1,"graph":' + '['.repeat(250) + ']'.repeat(250) + '}'))).toThrow(/graph/);
  });
});

describe('JSON inside binary files goes through the same reader', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  it('a checkpoint whose header nests 100,000 deep is a CheckpointError naming the file (was: a stack overflow)', () => {
    const json = new TextEncoder().encode(`{"format":"convas-checkpoint","tensors":[${deep}]}`);
    const bytes = new Uint8Array(20 + json.length);
    bytes.set(new TextEncoder().encode(CHECKPOINT_MAGIC));
    const view = new DataView(bytes.buffer);
    view.setUint32(8, 1, true);
    view.setUint32(12, json.length, true);
    bytes.set(json, 20);
    expect(() => decodeCheckpoint(bytes, 'run.ckpt')).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(bytes, 'run.ckpt')).toThrow(/^run\.ckpt: the header is not valid JSON \(nested deeper than 256 levels/);
  });
  it('a binary weights header or metadata nested that deep, or not UTF-8, is a FormatError', () => {
    expect(() => parseBinaryHeader(new TextEncoder().encode(`{"__metadata__":{"metrics":"${deep}"}}`), 100)).toThrow(/__metadata__\.metrics is not valid JSON text \(nested deeper than 256 levels/);
    expect(() => parseBinaryHeader(new TextEncoder().encode(`{"a":${deep}}`), 100)).toThrow(/the header is not valid UTF-8 JSON \(nested deeper/);
    expect(() => parseBinaryHeader(Uint8Array.of(0x7b, 0xc0, 0x7d), 100)).toThrow(/invalid UTF-8 at byte 1/);
  });
});
