/**
 * Where `convas train` writes, as a user runs it (issue 8): an unwritable --out is refused
 * before training (exit 2); --out failing at the end anyway puts the weights in a fallback and
 * says where; checkpoints go beside --out or to ./convas-runs/ — never the install folder — and
 * are removed after a finished run unless --keep-checkpoints; bad --data and --resume are exit 2.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWeightsFile } from '../../src/engine/io/weights';
import { expectOneLine, ROOT, runCli } from './cli-run';
import { jsonLines, runCliLive } from './cli-live';
import { writeShapesIdx } from './shapes-files';

const PRESET = join(ROOT, 'resources/presets/seed-mnist-cnn.convas.json');
const work = mkdtempSync(join(tmpdir(), 'convas-train-files-'));
const data = join(work, 'shapes-idx');
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await writeShapesIdx(data, 320, 32); // batch 32: 10 steps
});

const quick = ['--data', data, '--epochs', '1', '--batch', '32', '--backend', 'webasm'];

describe('convas train --out: checked before training', () => {
  it('refuses a directory, a path under a file, and a read-only place with exit 2, before any step', async () => {
    const file = join(work, 'plain.txt');
    writeFileSync(file, 'x');
    const cases: [string, RegExp][] = [
      [work, /--out .*: cannot be written: it is a directory/],
      [join(file, 'w.json'), /--out .*plain\.txt\/w\.json cannot be written: cannot create its folder/],
    ];
    // root may write almost anywhere; /sys is a read-only mount in containers and refuses even root
    let sysWritable = true;
    try {
      writeFileSync('/sys/convas-probe', '');
    } catch {
      sysWritable = false;
    }
    if (!sysWritable) cases.push(['/sys/convas-w.json', /--out \/sys\/convas-w\.json: cannot be written: (permission denied|read-only)/i]);
    for (const [out, message] of cases) {
      const r = await runCli(['train', PRESET, ...quick, '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(expectOneLine(r.stderr)).toMatch(message);
      expect(r.stdout).not.toMatch(/Training on/);
    }
  });

  it('when --out fails at the end anyway, saves the weights to convas-runs/ and says where (exit 1)', async () => {
    const sub = join(work, 'gone');
    mkdirSync(sub);
    let swapped = false;
    const r = await runCliLive(['train', PRESET, ...quick, '--json', '--out', join(sub, 'w.json'), '--checkpoint', join(work, 'swap.ckpt')], {
      cwd: work,
      onStdout: (out) => {
        if (!swapped && out.includes('"type":"ready"')) {
          // the folder becomes a file while training runs: --out can no longer be created
          swapped = true;
          rmSync(sub, { recursive: true });
          writeFileSync(sub, 'not a folder any more');
        }
      },
    });
    expect(swapped).toBe(true);
    expect(r.code).toBe(1);
    const m = /the weights are saved to (\S+\.json) instead/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(m![1].startsWith(join(work, 'convas-runs', 'w-'))).toBe(true);
    expect(r.stderr).toContain(`The checkpoint is kept: ${join(work, 'swap.ckpt')}`);
    expect(parseWeightsFile(JSON.parse(readFileSync(m![1], 'utf8'))).preprocessing).not.toBeNull();
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'finished', reason: 'completed' });
  });
});

describe('convas train: checkpoints', () => {
  const presetCheckpoints = () => readdirSync(join(ROOT, 'resources/presets')).filter((f) => f.endsWith('.ckpt'));

  it('without --out go to ./convas-runs/<project>.ckpt, and are removed after the run finishes', async () => {
    const cwd = join(work, 'plain-run');
    mkdirSync(cwd);
    const before = presetCheckpoints();
    const r = await runCliLive(['train', PRESET, ...quick, '--json', '--checkpoint-every', '3'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const paths = new Set(jsonLines(r.stdout).filter((e) => e.type === 'checkpoint').map((e) => e.path));
    expect([...paths]).toEqual([join(cwd, 'convas-runs', 'seed-mnist-cnn.ckpt')]);
    expect(existsSync(join(cwd, 'convas-runs'))).toBe(false); // emptied, so removed
    expect(presetCheckpoints()).toEqual(before);
  });

  it('--keep-checkpoints keeps it; beside --out it is <out>.ckpt', async () => {
    const out = join(work, 'kept.json');
    const r = await runCliLive(['train', PRESET, ...quick, '--out', out, '--keep-checkpoints', '--checkpoint-every', '3'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Checkpoint kept: ${join(work, 'kept.ckpt')}`);
    expect(existsSync(join(work, 'kept.ckpt'))).toBe(true);
  });
});

describe('convas train: bad input is exit 2, as --help says', () => {
  it('an unknown --data lists the built-in sources', async () => {
    const r = await runCli(['train', PRESET, '--data', 'shapez']);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(/^convas train: --data shapez: no such folder, and not a built-in source \(built-in sources: shapes, kernel-fit\b.*\)$/);
  });

  it('a missing or foreign --resume checkpoint', async () => {
    const missing = await runCli(['train', PRESET, '--resume', join(work, 'nosuch.ckpt')]);
    expect(missing.code).toBe(2);
    expect(expectOneLine(missing.stderr)).toMatch(/--resume .*nosuch\.ckpt: no such checkpoint file/);
    const notOne = join(work, 'not.ckpt');
    writeFileSync(notOne, 'hello');
    const foreign = await runCli(['train', PRESET, '--resume', notOne]);
    expect(foreign.code).toBe(2);
    expect(expectOneLine(foreign.stderr)).toMatch(/not\.ckpt: not a Convas checkpoint/);
  });

  it('--help states the codes', async () => {
    const r = await runCli(['train', '--help']);
    expect(r.stdout).toMatch(/2 bad arguments or files \(an unknown --data, a missing --resume checkpoint, an unwritable --out\)/);
  });
});

describe('convas train --resume: another run is bad input', () => {
  it('refuses --data, --seed or --batch that differ from the checkpointed run, with exit 2, before training', async () => {
    const ckpt = join(work, 'seeded.ckpt');
    const made = await runCliLive(['train', PRESET, ...quick, '--checkpoint', ckpt, '--checkpoint-every', '3', '--keep-checkpoints'], { cwd: work });
    expect(made.code, made.stderr).toBe(0);
    const r = await runCli(['train', PRESET, '--resume', ckpt, '--seed', '77', '--batch', '16']);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(/seeded\.ckpt: --seed 77 \(the run used 1\), --batch 16 \(the run used 32\): a resumed run keeps its data, seed and batch size/);
  });
});
