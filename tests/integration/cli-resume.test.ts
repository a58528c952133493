/**
 * The CLI keeps work (issue 8): Ctrl-C (SIGINT to the `convas` process) stops with a checkpoint
 * and leaves an earlier complete --out as it was; `--resume <ckpt>` alone (no project: the
 * checkpoint holds the graph) continues THAT run — its epochs, data, --out and checkpoint
 * settings — and flags given with it override and are echoed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWeightsFile } from '../../src/engine/io/weights';
import { ROOT } from './cli-run';
import { jsonLines, runCliLive, type LiveResult } from './cli-live';
import { writeShapesIdx } from './shapes-files';

const PRESET = join(ROOT, 'resources/presets/seed-mnist-cnn.convas.json');
const work = mkdtempSync(join(tmpdir(), 'convas-resume-'));
const data = join(work, 'shapes-idx');
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await writeShapesIdx(data, 640, 64); // batch 32: 20 steps per epoch
});

/** `convas train … --json`, sent SIGINT as soon as the first step is reported. */
async function trainInterrupted(extra: string[]): Promise<LiveResult> {
  let sent = false;
  const r = await runCliLive(['train', PRESET, '--data', data, '--epochs', '2', '--batch', '32', '--backend', 'webasm', '--json', ...extra], {
    cwd: work,
    onStdout: (out, child) => {
      if (!sent && out.includes('"type":"step"')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  expect(sent).toBe(true);
  return r;
}

describe('convas train: Ctrl-C, then --resume <checkpoint>', () => {
  it('an interrupted run leaves --out alone; --resume alone finishes its 2 epochs and writes its --out', async () => {
    const out = join(work, 'w.json');
    const earlier = '{"an":"earlier, complete weights file"}';
    writeFileSync(out, earlier);
    const first = await trainInterrupted(['--out', out]);
    expect(first.code, first.stderr).toBe(130);
    expect(readFileSync(out, 'utf8')).toBe(earlier);
    const ckpt = join(work, 'w.ckpt');
    const stop = jsonLines(first.stdout).find((e) => e.type === 'checkpoint' && e.reason === 'stop');
    expect(stop).toMatchObject({ path: ckpt });
    expect(first.stderr).toContain(`w.json was not written (the run is incomplete). Continue with --resume ${ckpt}`);

    // no project: the checkpoint carries the run's graph
    const second = await runCliLive(['train', '--resume', ckpt, '--json'], { cwd: work });
    expect(second.code, second.stderr).toBe(0);
    const events = jsonLines(second.stdout);
    expect(events[0]).toMatchObject({ type: 'ready', epochs: 2, resumedFrom: { epoch: stop!.epoch, step: stop!.step } });
    expect(events.at(-1)).toMatchObject({ type: 'finished', reason: 'completed', epochs: 2 });
    expect(second.stderr).toContain(`Resuming ${ckpt} at epoch ${stop!.epoch} after step ${stop!.step}: 2 epochs on ${data}, weights to ${out}`);
    expect(second.stderr).not.toMatch(/overrides/);
    const w = parseWeightsFile(JSON.parse(readFileSync(out, 'utf8')));
    expect(w.metrics).toMatchObject({ epochs: 2 });
    expect(w.preprocessing).toMatchObject({ normalize: 'standardize', inputShape: [1, 28, 28] });
    expect(existsSync(ckpt)).toBe(false); // a finished run's checkpoint is removed
  });

  it('flags given with --resume override the checkpointed run, and are echoed; --keep-checkpoints carries over', async () => {
    const first = await trainInterrupted(['--out', join(work, 'a.json'), '--keep-checkpoints']);
    expect(first.code, first.stderr).toBe(130);
    const ckpt = join(work, 'a.ckpt');
    const b = join(work, 'b.json');
    const second = await runCliLive(['train', PRESET, '--resume', ckpt, '--epochs', '3', '--out', b, '--json'], { cwd: work });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain("--epochs 3 overrides the checkpoint's 2");
    expect(second.stderr).toContain(`--out ${b} overrides the checkpoint's ${join(work, 'a.json')}`);
    expect(jsonLines(second.stdout).at(-1)).toMatchObject({ type: 'finished', epochs: 3 });
    expect(parseWeightsFile(JSON.parse(readFileSync(b, 'utf8'))).metrics).toMatchObject({ epochs: 3 });
    expect(existsSync(join(work, 'a.json'))).toBe(false);
    expect(existsSync(ckpt)).toBe(true); // kept, as the run asked
  });
});
