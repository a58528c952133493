/**
 * Run the PyTorch reference (tests/torch/reference.py) on a batch of cases in one process.
 * PyTorch is required: CI installs python3-torch; a missing one fails the test loudly.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAYERS } from '../../src/engine/layers';

export const PYTHON = process.env.CONVAS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../torch/reference.py', import.meta.url));

/**
 * Every layer's PyTorch meaning where its spec states one (`LayerSpec.torch`), with its
 * parameters' defaults: reference.py calls these without a branch per layer.
 */
function torchOps(): Record<string, { fn: string; args: Record<string, string>; defaults: Record<string, unknown> }> {
  return Object.fromEntries(
    LAYERS.filter((l) => l.torch).map((l) => [l.type, { fn: l.torch!.fn, args: l.torch!.args ?? {}, defaults: Object.fromEntries(l.params.map((d) => [d.name, d.default])) }]),
  );
}

export async function torchReference<T = Record<string, unknown>>(cases: unknown[]): Promise<T[]> {
  if (!existsSync(PYTHON)) throw new Error(`PyTorch reference needs ${PYTHON} with torch (apt-get install python3-torch)`);
  const body = JSON.stringify({ cases, ops: torchOps() }, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v));
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errs: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => errs.push(c));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`reference.py exited ${code}: ${Buffer.concat(errs).toString()}`));
      else resolve(Buffer.concat(chunks).toString());
    });
    p.stdin.end(body);
  });
  const parsed = JSON.parse(out) as { results: (T & { error?: string })[] };
  parsed.results.forEach((r, i) => {
    if (r.error) throw new Error(`PyTorch failed on case ${i}: ${r.error}`);
  });
  return parsed.results;
}
