/**
 * The README's command-line examples, run as written, so that the README cannot drift from the
 * CLI. Every line of a ```sh block that starts with `npx convas`, and every inline `npx convas …`
 * code span, is run through `sh -c` with the real `npx` (which runs this package's
 * bin/convas.js), in README order, in one scratch folder inside the checkout (ignored by git:
 * tmp/), where `resources` and `tests` are links to the checkout's, so paths written relative to
 * the checkout work as they do for a reader. An example that fails names its README line.
 *
 * What the test puts in the place of what a reader supplies:
 * - PLACEHOLDERS: each `<name>` in an example becomes a file made before the examples run;
 *   an example with a placeholder not listed here fails and says so (add it here).
 * - GIVEN: files the examples name literally that a reader brings (e.g. the input tensor).
 * - `convas train` examples get ` --stop-at-loss 1000` appended: the run takes one step and then
 *   goes through the same validation, saving and exit path as a full one (a full run is minutes).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli-run';

const README = join(ROOT, 'README.md');
const DIR = join(ROOT, 'tmp', `readme-cli-${process.pid}`);
const PROJECT = join(ROOT, 'resources/presets/seed-mnist-cnn.convas.json');
const TRAIN_SUFFIX = ' --stop-at-loss 1000';

/** `<placeholder>` → file in DIR (made in beforeAll). */
const PLACEHOLDERS: Record<string, string> = {
  '<project.convas.json>': 'project.convas.json', // a copy of the seed's MNIST CNN preset
  '<project>': 'project.convas.json',
  '<checkpoint>': 'stopped.ckpt', // a checkpoint of that project, one step into a 3-epoch run
  '<model.onnx>': 'resources/samples/mnist-cnn-pytorch.onnx', // a PyTorch export (resources/samples/README.md)
};

/** A deterministic batch of two 1×28×28 images in [0, 1], the preset's input. */
function tensor(): string {
  const data = Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.round(((i * 7919) % 1000) / 10) / 100);
  return JSON.stringify({ shape: [2, 1, 28, 28], data });
}

/** Files examples name literally, which a reader has before running them. */
const GIVEN: Record<string, () => string> = {
  'tensor.json': tensor,
};

interface Example {
  line: number;
  command: string;
}

/** The `npx convas` examples of a README, with their line numbers. */
function readmeExamples(text: string): Example[] {
  const out: Example[] = [];
  let inSh = false;
  text.split('\n').forEach((raw, i) => {
    const fence = raw.trim().match(/^```(\w*)/);
    if (fence) {
      inSh = !inSh && fence[1] === 'sh';
      return;
    }
    if (inSh) {
      const command = raw.replace(/\s+#.*$/, '').trim();
      if (command.startsWith('npx convas')) out.push({ line: i + 1, command });
      return;
    }
    for (const m of raw.matchAll(/`(npx convas [^`]+)`/g)) out.push({ line: i + 1, command: m[1].trim() });
  });
  return out;
}

function prepare(e: Example): string {
  let cmd = e.command;
  for (const [p, file] of Object.entries(PLACEHOLDERS)) cmd = cmd.split(p).join(file);
  const unknown = cmd.match(/<[^>\s]+>/);
  if (unknown) throw new Error(`README.md:${e.line}: \`${e.command}\` has the placeholder ${unknown[0]}, which tests/integration/readme-cli.test.ts does not map to a file (add it to PLACEHOLDERS)`);
  return /^npx convas train\b/.test(cmd) ? cmd + TRAIN_SUFFIX : cmd;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sh(command: string, timeoutMs = 300_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.CONVAS_DEBUG;
    const p = spawn('sh', ['-c', command], { cwd: DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    p.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const examples = readmeExamples(readFileSync(README, 'utf8'));

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  for (const link of ['resources', 'tests']) symlinkSync(join(ROOT, link), join(DIR, link));
  copyFileSync(PROJECT, join(DIR, 'project.convas.json'));
  for (const [name, make] of Object.entries(GIVEN)) writeFileSync(join(DIR, name), make());
  const r = await sh(`node ${JSON.stringify(join(ROOT, 'bin/convas.js'))} train project.convas.json --data shapes --epochs 3 --checkpoint stopped.ckpt --checkpoint-every 1 --keep-checkpoints${TRAIN_SUFFIX}`);
  if (r.code !== 0 || !existsSync(join(DIR, 'stopped.ckpt'))) throw new Error(`could not make the checkpoint for <checkpoint> (exit ${r.code}):\n${r.stderr}`);
});

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('README.md command-line examples', () => {
  it('has examples of every command (so that the extraction itself cannot silently find none)', () => {
    const commands = new Set(examples.map((e) => e.command.split(/\s+/)[2]));
    for (const c of ['validate', 'train', 'infer', 'layers']) expect(commands, `README.md has no \`npx convas ${c}\` example`).toContain(c);
  });

  it('extracts sh-block lines without their comments, and inline examples', () => {
    const text = ['```sh', 'npx convas a <x>   # note', 'npm test', '```', 'Try `npx convas b --c`.', '```json', 'npx convas not-sh', '```'].join('\n');
    expect(readmeExamples(text)).toEqual([
      { line: 2, command: 'npx convas a <x>' },
      { line: 5, command: 'npx convas b --c' },
    ]);
  });

  for (const e of examples) {
    it(`README.md:${e.line}: ${e.command}`, async () => {
      const command = prepare(e);
      const r = await sh(command);
      const where = `README.md:${e.line}: \`${e.command}\` (run as \`${command}\`) exited ${r.code}`;
      expect(r.code, `${where}\n${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr, `${where} with no output`).not.toBe('');
      expect(r.stderr, `${where} with a stack trace`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      if (/\s--json\b/.test(command)) {
        const text = r.stdout.trim();
        const lines = text.split('\n');
        const parses = (s: string) => {
          try {
            JSON.parse(s);
            return true;
          } catch {
            return false;
          }
        };
        expect(parses(text) || lines.every(parses), `${where}: --json output is not JSON (or JSON lines):\n${text.slice(0, 500)}`).toBe(true);
      }
    });
  }
});
