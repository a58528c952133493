/**
 * `convas train --resume <ckpt>` needs no project: every checkpoint carries its run's graph. A
 * checkpoint whose graph this Convas cannot read still resumes with the project named, and says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args';
import { usageLine } from '../../src/cli/command';
import { infer } from '../../src/cli/commands/infer';
import { planTraining, train } from '../../src/cli/commands/train';
import { readCheckpointedRun } from '../../src/cli/resume';
import { loadProject } from '../../src/cli/files';
import { encodeCheckpoint } from '../../src/engine/train/checkpoint';

const PRESET = fileURLToPath(new URL('../../resources/presets/seed-mnist-cnn.convas.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'convas-resume-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A checkpoint of a 3-epoch Shapes run of the preset, one step in, with `graph` as its run's graph. */
function checkpoint(name: string, graph: unknown): string {
  const plan = planTraining(parseArgs(train, [PRESET, '--data', 'shapes', '--epochs', '3']));
  const file = join(dir, name);
  const bytes = encodeCheckpoint({
    epoch: 0,
    step: 1,
    globalStep: 1,
    rng: [1, 2, 3, 4],
    accum: { lossSum: 2.3, correct: 3, samples: 32, steps: 1, seconds: 0.1 },
    lastMetrics: null,
    normalization: null,
    run: { graph, data: plan.data, hyper: { ...plan.hyper }, args: { out: join(dir, 'w.json'), keepCheckpoints: false } },
    weights: {},
    optimizerState: {},
  });
  writeFileSync(file, bytes);
  return file;
}

describe('convas train --resume without <project>', () => {
  const graph = loadProject(PRESET).graph;

  it('takes the graph, data and settings from the checkpoint', async () => {
    const ckpt = checkpoint('run.ckpt', graph);
    const args = parseArgs(train, ['--resume', ckpt]);
    expect(args.positionals).toEqual([]);
    const plan = planTraining(args, await readCheckpointedRun(ckpt));
    expect(plan.graph).toEqual(graph);
    expect(plan.data).toMatchObject({ kind: 'shapes', classes: 10 });
    expect(plan.hyper).toMatchObject({ epochs: 3, checkpointPath: ckpt });
    expect(plan.out).toBe(join(dir, 'w.json'));
    expect(plan.checkpoint).toBe(ckpt);
  });

  it('a checkpoint whose graph is not readable needs the project, and says how to give it', async () => {
    const ckpt = checkpoint('old.ckpt', { not: 'a graph' });
    const resumed = await readCheckpointedRun(ckpt);
    expect(resumed.graph).toBeNull();
    expect(() => planTraining(parseArgs(train, ['--resume', ckpt]), resumed)).toThrow(
      `--resume ${ckpt}: the checkpoint's graph is not readable by this Convas (an older or damaged file): name the project too, convas train <project> --resume ${ckpt}`,
    );
    expect(planTraining(parseArgs(train, [PRESET, '--resume', ckpt]), resumed).graph).toEqual(graph);
  });

  it('without --resume the project is still required; other commands still require theirs', () => {
    expect(() => planTraining(parseArgs(train, ['--data', 'shapes']))).toThrow(/^missing <project> \(see convas train --help\): only --resume <checkpoint> goes without one$/);
    expect(usageLine(train)).toMatch(/^convas train \[<project>\] /);
    expect(() => parseArgs(infer, ['--input', 'x.png'])).toThrow(/missing <project>/);
    expect(() => parseArgs(train, ['a.json', 'b.json'])).toThrow(/unexpected argument "b.json"/);
  });
});
