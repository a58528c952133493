/**
 * `convas train` end to end: JSON lines with the protocol's fields, --out weights in the
 * weights format, Ctrl-C (to the whole process group, as a terminal sends it) stopping with a
 * checkpoint, and --resume finishing exactly where an uninterrupted run finishes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index';
import { parseWeightsFile } from '../../src/engine/io/weights';
import { smallCnn } from './worker-helpers';

const dir = mkdtempSync(join(tmpdir(), 'convas-train-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const project = join(dir, 'small.convas.json');
writeFileSync(
  project,
  JSON.stringify({
    format: 'convas-project',
    version: 1,
    graph: smallCnn,
    training: {
      epochs: 3,
      batchSize: 16,
      optimizer: { name: 'momentum', lr: 0.05, momentum: 0.9 },
      seed: 3,
      backend: 'webasm',
      dataset: { source: 'builtin', name: 'shapes' },
    },
  }),
);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const lines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('convas train', () => {
  it('prints one JSON line per step and epoch event with the protocol fields, and writes the weights', async () => {
    const out = join(dir, 'w.json');
    const r = await run(['train', project, '--data', 'shapes', '--epochs', '2', '--json', '--out', out]);
    expect(r.code).toBe(0);
    const events = lines(r.out);
    const steps = events.filter((e) => e.type === 'step');
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(events[0]).toMatchObject({ type: 'ready', backend: 'webasm' });
    const perEpoch = (events[0].dataset as { stepsPerEpoch: number }).stepsPerEpoch;
    expect(perEpoch).toBe(375); // 6,000 Shapes samples ÷ 16
    expect(steps).toHaveLength(2 * perEpoch);
    expect(steps[0]).toMatchObject({ type: 'step', epoch: 1, step: 1, globalStep: 1 });
    expect(Object.keys(epochs[1]).sort()).toEqual(['epoch', 'samplesPerSec', 'seconds', 'trainAccuracy', 'trainLoss', 'type', 'v', 'valAccuracy', 'valLoss']);
    expect(epochs[1]).toMatchObject({ type: 'epoch', epoch: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'finished', reason: 'completed', epochs: 2 });
    const w = parseWeightsFile(JSON.parse(readFileSync(out, 'utf8')));
    expect(w.tensors['conv.weight'].shape).toEqual([4, 1, 3, 3]);
    expect(w.metrics).toMatchObject({ epoch: 2, valAccuracy: epochs[1].valAccuracy });
  });

  it('says what is wrong with its arguments', async () => {
    const noData = join(dir, 'nodata.convas.json');
    writeFileSync(noData, JSON.stringify({ format: 'convas-project', version: 1, graph: smallCnn }));
    expect(await run(['train', noData])).toMatchObject({ code: 2, err: expect.stringMatching(/names no dataset: give --data shapes/) });
    expect(await run(['train', project, '--lr', '-1'])).toMatchObject({ code: 2, err: expect.stringMatching(/--lr must be a number in \(0, 1000\], got "-1"/) });
    const r = await run(['train', project, '--data', join(dir, 'missing')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing: no such folder, and not a built-in source \(built-in sources: shapes, kernel-fit/);
  });

  it('stops on Ctrl-C with a checkpoint, and --resume ends exactly where an uninterrupted run ends', async () => {
    const whole = join(dir, 'whole.json');
    expect((await run(['train', project, '--json', '--out', whole])).code).toBe(0);

    const ckpt = join(dir, 'ctrlc.ckpt');
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    // detached: its own process group, so the signal goes to CLI and worker alike, as from a terminal
    const cli = spawn(process.execPath, ['--import', loader, 'src/cli/index.ts', 'train', project, '--json', '--checkpoint', ckpt], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    cli.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      if (!sent && /"globalStep":400,/.test(out)) {
        sent = true;
        process.kill(-cli.pid!, 'SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
    expect(code).toBe(130);
    const events = lines(out);
    const stop = events.find((e) => e.type === 'checkpoint' && e.reason === 'stop');
    expect(stop).toMatchObject({ path: ckpt, epoch: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'finished', reason: 'stopped' });
    expect(existsSync(ckpt)).toBe(true);

    const resumed = join(dir, 'resumed.json');
    const r = await run(['train', project, '--json', '--resume', ckpt, '--out', resumed]);
    expect(r.code).toBe(0);
    expect(lines(r.out)[0]).toMatchObject({ type: 'ready', resumedFrom: { epoch: 2, step: (stop!.step as number) } });
    expect(JSON.parse(readFileSync(resumed, 'utf8')).tensors).toEqual(JSON.parse(readFileSync(whole, 'utf8')).tensors);
  }, 300_000); // three CLI runs of the same training: about 40 s idle, over 100 s on a loaded 2-core machine
});
