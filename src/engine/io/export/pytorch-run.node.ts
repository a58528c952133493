/**
 * Node-only: running an exported model.py under Python + PyTorch (/usr/bin/python3 unless
 * CONVAS_PYTHON says otherwise), in one process per call.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ExportError } from './plan';

export const PYTHON = process.env.CONVAS_PYTHON ?? '/usr/bin/python3';

const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
import torch
torch.set_num_threads(1)
import model
req = json.load(sys.stdin)
net = model.load()
with torch.no_grad():
    y = net(torch.tensor(req["x"], dtype=torch.float32).reshape(req["shape"]))
print(json.dumps({"torch": torch.__version__, "y": y.flatten().tolist()}))
`;

/** Run `<folder>/model.py`'s load() on x; returns the outputs and torch's version. */
export async function runTorchModel(folder: string, x: Float32Array, shape: number[]): Promise<{ y: Float32Array; torch: string }> {
  if (!existsSync(PYTHON)) throw new ExportError(`checking a PyTorch export needs ${PYTHON} with torch (apt-get install python3-torch), or CONVAS_PYTHON naming one`);
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(PYTHON, ['-c', DRIVER, folder], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errs: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => errs.push(c));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) {
        const lines = Buffer.concat(errs).toString().trim().split('\n');
        reject(new ExportError(`running ${folder}/model.py under ${PYTHON} failed: ${lines[lines.length - 1]}`));
      } else resolve(Buffer.concat(chunks).toString());
    });
    p.stdin.end(JSON.stringify({ x: Array.from(x), shape }));
  });
  const res = JSON.parse(out) as { torch: string; y: number[] };
  return { y: Float32Array.from(res.y), torch: res.torch };
}
