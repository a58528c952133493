/**
 * PyTorch peer: bench/pytorch_bench.py under Debian's python3-torch (or CONVAS_PYTHON), one process
 * per thread count (torch.set_num_threads is process-wide) on the CPU, and one on CUDA where torch
 * sees a GPU; driven line by line so its timed runs can be interleaved with Convas's.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BenchSkip, toMeasurement, type EngineSession, type Protocol } from './measure';
import type { Workload } from './workloads';

export const PYTHON = process.env.CONVAS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./pytorch_bench.py', import.meta.url));

interface Ready {
  ready: boolean;
  /** Why not ready (CUDA asked for, none seen). */
  reason?: string;
  torch: string;
  threads: number;
  params: number;
  device: string;
}

/** A running pytorch_bench.py: send one JSON line, get one back. */
class PyProcess {
  private waiting: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  private stderr: string[] = [];
  private exited: Error | null = null;
  private proc;

  constructor() {
    this.proc = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        w.reject(new Error(`${SCRIPT} printed a line that is not JSON: ${JSON.stringify(line.slice(0, 200))}`));
      }
    });
    this.proc.stderr.on('data', (c: Buffer) => this.stderr.push(c.toString()));
    // A write after Python died (EPIPE) is reported by the 'close' handler, with Python's stderr.
    this.proc.stdin.on('error', () => {});
    const fail = (e: Error) => {
      this.exited = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.proc.on('error', (e) => fail(new Error(`could not start ${PYTHON}: ${e.message}`)));
    this.proc.on('close', (code) => fail(new Error(`${SCRIPT} exited with ${code}: ${this.stderr.join('').trim().split('\n').slice(-3).join(' | ')}`)));
  }

  ask(msg: unknown): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${JSON.stringify(msg)}\n`);
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/** PyTorch on the CPU at `threads` threads, or on CUDA (`device: 'cuda'`, skipped where torch sees no GPU). */
export async function openPytorch(w: Workload, threads: number, p: Protocol, device: 'cpu' | 'cuda' = 'cpu'): Promise<EngineSession> {
  if (!existsSync(PYTHON)) throw new Error(`the PyTorch peer needs ${PYTHON} with torch (apt-get install python3-torch), or set CONVAS_PYTHON`);
  const py = new PyProcess();
  let ready: Ready;
  try {
    ready = (await py.ask({ graph: w.graph, batch: w.batch, optimizer: w.optimizer, threads, seed: p.seed, device })) as unknown as Ready;
    if (!ready.ready) throw new BenchSkip(`pytorch ${device}: ${ready.reason ?? 'not ready'}`);
    if (ready.threads !== threads) throw new Error(`asked PyTorch for ${threads} threads, it runs ${ready.threads}`);
  } catch (e) {
    py.close();
    throw e;
  }
  return {
    label: device === 'cuda' ? 'pytorch cuda' : `pytorch cpu, ${threads} thread${threads > 1 ? 's' : ''}`,
    async step(n) {
      const r = await py.ask({ steps: n });
      return r.seconds as number;
    },
    async finish(t) {
      py.close();
      const where = device === 'cuda' ? `, ${ready.device}` : '';
      return { measurement: { ...toMeasurement(w, 'pytorch', device, device === 'cuda' ? 0 : threads, p, t), device: `torch ${ready.torch}${where}`, params: ready.params } };
    },
    close: () => py.close(),
  };
}
