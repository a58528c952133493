/**
 * The shipped `convas` starts from built JavaScript (scripts/build-cli.mjs → out/cli), never
 * transpiling TypeScript, and loads gpu.js only for commands that run kernels: the real
 * bin/convas.js run with a module hook that refuses tsx, gpu.js and onnxruntime-web. A training
 * run goes through the built training worker as well. (Its speed is measured, not tested: see
 * the README's Command line section.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './cli-run';
import { smallCnn } from './worker-helpers';

const BIN = join(ROOT, 'bin/convas.js');
const HOOK = pathToFileURL(join(ROOT, 'tests/integration/refuse-modules.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'convas-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function build(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/**
 * bin/convas.js with the packages in `refuse` unloadable, in it and in the worker it forks. A
 * source edited since the build (others work in this tree) makes bin run the sources: rebuild
 * and run once more.
 */
async function convas(args: string[], refuse: string[]): Promise<Result> {
  const r = await spawnConvas(args, refuse);
  if (!r.stderr.includes('refused to load tsx')) return r;
  build();
  return spawnConvas(args, refuse);
}

function spawnConvas(args: string[], refuse: string[]): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import=${HOOK}`, CONVAS_REFUSE_MODULES: refuse.join(',') };
  delete env.CONVAS_DEBUG;
  delete env.CONVAS_FROM_SOURCE;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    p.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(build);

describe('the built convas CLI', () => {
  it('build.json names the build and every source file it was made from', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'out/cli/build.json'), 'utf8')) as { dir: string; inputs: string[] };
    expect(manifest.inputs).toContain('src/cli/index.ts');
    expect(manifest.inputs).toContain('src/engine/worker/node-host.node.ts');
    expect(manifest.inputs).toContain('package.json');
    const bundle = readFileSync(join(ROOT, 'out/cli', manifest.dir, 'convas.mjs'), 'utf8');
    expect(bundle).not.toMatch(/from "gpu\.js"/); // only command chunks import it
  });

  it('--version and validate run without tsx, gpu.js or onnxruntime', async () => {
    const refuse = ['tsx', 'gpu.js', 'onnxruntime-web'];
    const version = await convas(['--version'], refuse);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^Convas \d+\.\d+\.\d+\n$/);
    const validate = await convas(['validate', join(FIXTURES, 'mnist-cnn.convas.json'), '--json'], refuse);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(validate.stdout)).toMatchObject({ ok: true });
  });

  it('--help loads every command from the build (each command chunk imports under Node\'s own ESM rules)', async () => {
    const r = await convas(['--help'], ['tsx']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    for (const name of ['validate', 'infer', 'train', 'export', 'layers']) expect(r.stdout).toContain(`  convas ${name} `);
  });

  it('the hook does bite: infer loads gpu.js, and says so in one line', async () => {
    const r = await convas(['infer', '--help'], ['tsx', 'gpu.js']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^convas infer: internal error: could not load the command: .*refused to load gpu\.js\n$/);
  });

  it('train runs through the built training worker (no tsx in either process)', async () => {
    const project = join(dir, 'small.convas.json');
    writeFileSync(project, JSON.stringify({ format: 'convas-project', version: 1, graph: smallCnn, training: { batchSize: 16, seed: 1, backend: 'webasm' } }));
    const r = await convas(['train', project, '--data', 'shapes', '--epochs', '1', '--stop-at-loss', '1000', '--json'], ['tsx']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; backend?: string });
    expect(events[0]).toMatchObject({ type: 'ready', backend: 'webasm' });
    expect(events.at(-1)).toMatchObject({ type: 'finished' });
  });
});
