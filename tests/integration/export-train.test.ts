/**
 * The PyTorch export's train.py: (1) two SGD steps from the exported weights on a fixed batch —
 * train.py's own optimizer and step — equal two Convas training steps within 1e-4 (every tensor,
 * BatchNorm's running statistics included); (2) two processes of train.py as
 * DistributedDataParallel over gloo train one epoch on a small Shapes set, each on its half,
 * and the loss goes down — started by torchrun itself (`python3 -m torch.distributed.run`, what the
 * `torchrun` script runs). Debian 12's torch 1.13 under Python 3.11 needs `--redirects 9:0
 * --tee 9:0` (docs/formats.md says why; harmless on newer torch).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapesDataset } from '../../src/engine/data/shapes';
import { textFile } from '../../src/engine/io/export/artifact';
import { idxFile } from '../../src/engine/io/export/idx';
import { pytorchArtifact } from '../../src/engine/io/export/pytorch';
import { trainPy } from '../../src/engine/io/export/train-py';
import { writeArtifact } from '../../src/engine/io/export/write.node.js';
import { compileTrainStep } from '../../src/engine/train/network';
import type { WeightMap } from '../../src/engine/train/weights';
import { deviceFor } from '../helpers/backends';
import { expectClose } from '../helpers/compare';
import { loadPreset, python, randomPlan } from '../helpers/export';
import { PYTHON } from '../helpers/torch';

/**
 * torch < 2.0 on Python 3.11 (Debian 12's python3-torch 1.13) reads torchrun's default
 * `--redirects 0` / `--tee 0` as None (3.11 no longer lists an IntFlag's zero member); a mapping
 * for a local rank that is not started means the same "no redirection" without that lookup.
 * The exported README gives the command with these flags; the test runs that line.
 */
const TORCHRUN_PY311 = ['--redirects', '9:0', '--tee', '9:0'];

const dir = mkdtempSync(join(tmpdir(), 'convas-train-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const project = loadPreset('seed-mnist-cnn.convas.json');
const { plan } = randomPlan(project, 21);
const BATCH = 8;
const folder = join(dir, 'export');

beforeAll(async () => {
  const training = { ...project.training, optimizer: { ...project.training.optimizer, name: 'sgd' as const, lr: 0.05 }, batchSize: 16, epochs: 1 };
  const shapes = shapesDataset({ samples: 256, testSamples: 0, classes: 10, seed: 3 });
  const all = await shapes.train.read(0, 256);
  await writeArtifact(
    folder,
    pytorchArtifact(plan, 'train test', [
      textFile('train.py', trainPy(plan, { training, data: { format: 'idx', path: 'data' } })),
      { name: 'data/train-images.idx', chunks: () => idxFile([256, 1, 28, 28], all.x) },
      { name: 'data/train-labels.idx', chunks: () => idxFile([256], Uint8Array.from(all.y)) },
    ]),
    false,
  );
});

describe('train.py', () => {
  it('two SGD steps equal two Convas steps within 1e-4 (weights and BatchNorm statistics)', async () => {
    const x = new Float32Array(BATCH * 28 * 28).map((_, i) => 0.5 + 0.5 * Math.sin(i * 0.37));
    const targets = Float32Array.from({ length: BATCH }, (_, i) => (i * 3) % 10);
    const step = compileTrainStep(plan.graph, await deviceFor('cpu'), { batch: BATCH, optimizer: { name: 'sgd', lr: 0.05 } });
    let weights: WeightMap = plan.weights;
    let optimizerState: WeightMap = {};
    const losses: number[] = [];
    try {
      for (let t = 1; t <= 2; t++) {
        const out = await step.run({ x, targets, weights, optimizerState, step: t });
        weights = out.weights;
        optimizerState = out.optimizerState;
        losses.push(out.loss);
      }
    } finally {
      step.destroy();
    }
    const torch = python<{ losses: number[]; state: Record<string, number[]> }>(
      `
import importlib.util, json, sys
import torch
torch.set_num_threads(1)
req = json.load(sys.stdin)
sys.path.insert(0, req["folder"])
spec = importlib.util.spec_from_file_location("train", req["folder"] + "/train.py")
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)
net = train.exported.load().train()
opt = train.make_optimizer(net.parameters(), train.SETTINGS["optimizer"])
x = torch.tensor(req["x"]).reshape(-1, *train.exported.INPUT_SHAPE)
y = torch.tensor(req["y"]).long()
losses = [train.step(net, opt, x, y) for _ in range(2)]
print(json.dumps({"losses": losses, "state": {k: v.flatten().tolist() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}}))
`,
      { folder, x: Array.from(x), y: Array.from(targets) },
    );
    expectClose(torch.losses, losses, 1e-4, 'losses');
    expect(Object.keys(torch.state).sort()).toEqual(Object.keys(weights).sort());
    for (const [k, v] of Object.entries(weights)) expectClose(torch.state[k], v, 1e-4, `${k} after 2 steps`);
  });

  it('torchrun --nproc_per_node 2 (DistributedDataParallel, gloo) trains one epoch, each process on its half, and the loss goes down', async () => {
    // the exported README's own command for this torch (torchrun is `python3 -m torch.distributed.run`), with 2 processes
    const line = readFileSync(join(folder, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith('torchrun --standalone') && l.includes(TORCHRUN_PY311.join(' ')));
    expect(line, 'README.md: the torchrun line for torch < 2.0 on Python 3.11').toBeDefined();
    const readmeArgs = line!.split(/\s+/).slice(1).map((a) => (a === 'train.py' ? join(folder, 'train.py') : a));
    readmeArgs[readmeArgs.indexOf('--nproc_per_node') + 1] = '2';
    const args = ['-m', 'torch.distributed.run', ...readmeArgs, '--out', join(dir, 'ckpt')];
    // torchrun sets the process-group variables itself
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'].includes(k)));
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(PYTHON, args, { env: { ...env, OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (c: Buffer) => (stdout += c));
      p.stderr.on('data', (c: Buffer) => (stderr += c));
      p.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`torchrun exited ${code}: ${stderr}`))));
    });
    // both workers print to torchrun's stdout: one JSON line each time, tagged with its rank
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { rank: number; step?: number; loss?: number; samples?: number });
    expect(new Set(lines.map((l) => l.rank))).toEqual(new Set([0, 1]));
    for (const rank of [0, 1]) {
      const mine = lines.filter((l) => l.rank === rank);
      const steps = mine.filter((l) => l.step !== undefined).map((l) => l.loss!);
      expect(mine[mine.length - 1].samples).toBe(128);
      expect(steps.length).toBe(8);
      const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      expect(mean(steps.slice(-3)), `rank ${rank} losses ${steps.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThan(mean(steps.slice(0, 3)));
    }
    expect(existsSync(join(dir, 'ckpt', 'epoch-1.pt'))).toBe(true);
    const keys = python<string[]>(`import json, sys, torch\nc = torch.load(json.load(sys.stdin))\nprint(json.dumps(sorted(c.keys())))`, join(dir, 'ckpt', 'epoch-1.pt'));
    expect(keys).toEqual(['epoch', 'model', 'optimizer']);
  });
});
