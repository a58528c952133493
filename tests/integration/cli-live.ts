/**
 * The real `convas` executable as a child process that a test can act on while it runs: watch
 * its output, send it a signal, change files under it — in a working folder of the test's
 * choosing (where `convas-runs/` would appear).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/convas.js', import.meta.url));

export interface LiveResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface LiveOptions {
  cwd: string;
  /** Called with all stdout so far on every chunk; the child is there to signal. */
  onStdout?: (stdout: string, child: ChildProcess) => void;
  timeoutMs?: number;
}

export function runCliLive(args: readonly string[], o: LiveOptions): Promise<LiveResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.CONVAS_DEBUG;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
      o.onStdout?.(stdout, child);
    });
    child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`convas ${args.join(' ')} did not finish in ${o.timeoutMs ?? 300_000} ms\n${stderr}`));
    }, o.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSON lines of `convas train --json`. */
export const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
