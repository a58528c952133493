/**
 * bin/convas.js picks the built CLI (out/cli, scripts/build-cli.mjs) only while it is up to date
 * with every source file it was built from, and the TypeScript sources through tsx otherwise —
 * in a temporary copy, with a stand-in build and stand-in sources that say which one ran.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'convas-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BUILT_AT = Date.parse('2026-01-02T00:00:00Z');
const runner = (who: string) => `export async function runAsProcess(argv) { process.stdout.write('${who} ' + argv.join(' ')); }\n`;

mkdirSync(join(dir, 'bin'));
cpSync(join(ROOT, 'bin/convas.js'), join(dir, 'bin/convas.js'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
mkdirSync(join(dir, 'src/cli'), { recursive: true });
writeFileSync(join(dir, 'src/cli/index.ts'), runner('sources'));
mkdirSync(join(dir, 'out/cli/b-test'), { recursive: true });
writeFileSync(join(dir, 'out/cli/b-test/convas.mjs'), runner('built'));
writeFileSync(join(dir, 'out/cli/build.json'), JSON.stringify({ dir: 'b-test', builtAt: BUILT_AT, inputs: ['src/cli/index.ts', 'package.json'] }));

function setMtime(rel: string, ms: number): void {
  utimesSync(join(dir, rel), ms / 1000, ms / 1000);
}

function run(env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [join(dir, 'bin/convas.js'), 'a', '--b'], { encoding: 'utf8', env: { ...process.env, CONVAS_FROM_SOURCE: '', ...env } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('bin/convas.js', () => {
  it('runs the build while no source it was built from is newer, passing the arguments', () => {
    setMtime('src/cli/index.ts', BUILT_AT - 60_000);
    setMtime('package.json', BUILT_AT - 60_000);
    expect(run()).toBe('built a --b');
  });

  it('runs the sources through tsx when a source is newer than the build', () => {
    setMtime('package.json', BUILT_AT + 1000);
    expect(run()).toBe('sources a --b');
    setMtime('package.json', BUILT_AT - 60_000);
  });

  it('runs the sources when a source the build lists is gone, or CONVAS_FROM_SOURCE is set', () => {
    expect(run({ CONVAS_FROM_SOURCE: '1' })).toBe('sources a --b');
    writeFileSync(join(dir, 'out/cli/build.json'), JSON.stringify({ dir: 'b-test', builtAt: BUILT_AT, inputs: ['src/cli/gone.ts'] }));
    expect(run()).toBe('sources a --b');
  });

  it('runs the sources when there is no build', () => {
    rmSync(join(dir, 'out'), { recursive: true });
    expect(run()).toBe('sources a --b');
  });
});
