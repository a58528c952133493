/**
 * PyTorch CPU peer: runs bench/pytorch_bench.py under Debian's python3-torch, one process per
 * thread count (torch.set_num_threads is process-wide), and turns its run times into samples/s.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toMeasurement, type Measurement, type Protocol } from './measure';
import type { Workload } from './workloads';

export const PYTHON = process.env.CONVAS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./pytorch_bench.py', import.meta.url));

interface PyResult {
  threads: number;
  torch: string;
  batch: number;
  steps: number;
  warmup: number;
  runSeconds: number[];
  params: number;
}

function runPython(job: unknown): Promise<PyResult> {
  if (!existsSync(PYTHON)) {
    return Promise.reject(new Error(`the PyTorch peer needs ${PYTHON} with torch (apt-get install python3-torch), or set CONVAS_PYTHON`));
  }
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => err.push(c));
    p.on('error', reject);
    p.on('close', (code) => {
      const stdout = Buffer.concat(out).toString().trim();
      if (code !== 0) return reject(new Error(`${SCRIPT} exited with ${code}: ${Buffer.concat(err).toString().trim()}`));
      try {
        resolve(JSON.parse(stdout.split('\n').pop()!) as PyResult);
      } catch {
        reject(new Error(`${SCRIPT} printed no JSON result: ${JSON.stringify(stdout.slice(0, 300))}`));
      }
    });
    p.stdin.end(JSON.stringify(job));
  });
}

export async function benchPytorch(w: Workload, threads: number, p: Protocol): Promise<Measurement> {
  const r = await runPython({ graph: w.graph, batch: w.batch, optimizer: w.optimizer, threads, ...p });
  if (r.threads !== threads) throw new Error(`asked PyTorch for ${threads} threads, it runs ${r.threads}`);
  return { ...toMeasurement(w, 'pytorch', 'cpu', threads, p, r), device: `torch ${r.torch}`, params: r.params };
}
