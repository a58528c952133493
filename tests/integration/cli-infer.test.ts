/**
 * `convas infer` as a child process on the tiny fixture CNN: its outputs — the final one, and
 * every node's with --layers — equal PyTorch's in eval mode (BatchNorm on running statistics).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/compare';
import { torchReference } from '../helpers/torch';
import { FIXTURES, runCli } from './cli-run';

const PROJECT = join(FIXTURES, 'tiny-cnn.convas.json');
const WEIGHTS = join(FIXTURES, 'tiny-cnn.weights.json');
const INPUT = join(FIXTURES, 'tiny-input.json');
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

interface InferJson {
  backend: string;
  outputs: Record<string, { shape: number[]; data: number[] }>;
}

let torch: Record<string, number[]>;

beforeAll(async () => {
  const input = read(INPUT);
  const [res] = await torchReference<{ outputs: Record<string, number[]> }>([
    { kind: 'infer', graph: read(PROJECT).graph, weights: read(WEIGHTS).tensors, x: input.data, xShape: input.shape },
  ]);
  torch = res.outputs;
});

async function infer(...extra: string[]): Promise<InferJson> {
  const r = await runCli(['infer', PROJECT, '--weights', WEIGHTS, '--input', INPUT, '--json', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('convas infer', () => {
  it('--backend cpu --json: the Softmax output, as PyTorch computes it', async () => {
    const res = await infer('--backend', 'cpu');
    expect(res.backend).toBe('cpu');
    expect(Object.keys(res.outputs)).toEqual(['out']);
    expect(res.outputs.out.shape).toEqual([2, 3]);
    expectClose(res.outputs.out.data, torch.out, 1e-5, 'out');
    // Probabilities per sample.
    for (let n = 0; n < 2; n++) expect(res.outputs.out.data.slice(n * 3, n * 3 + 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('--layers: every node\'s output, each as PyTorch computes it', async () => {
    const res = await infer('--backend', 'cpu', '--layers');
    expect(Object.keys(res.outputs)).toEqual(['input', 'conv1', 'bn1', 'relu1', 'pool1', 'flatten', 'fc1', 'out']);
    expect(res.outputs.pool1.shape).toEqual([2, 2, 3, 3]);
    expect(res.outputs.fc1.shape).toEqual([2, 3]);
    for (const [id, o] of Object.entries(res.outputs)) expectClose(o.data, torch[id], 1e-5, id);
  });

  it('--backend auto reports the mode that actually ran, with the same numbers', async () => {
    const res = await infer();
    expect(['webgpu', 'webasm', 'cpu']).toContain(res.backend);
    expectClose(res.outputs.out.data, torch.out, 1e-4, `out on ${res.backend}`);
  });

  it('without --json: the top classes per sample', async () => {
    const r = await runCli(['infer', PROJECT, '--weights', WEIGHTS, '--input', INPUT, '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const best = (n: number) => {
      const p = torch.out.slice(n * 3, n * 3 + 3);
      return p.indexOf(Math.max(...p));
    };
    expect(r.stdout).toMatch(/^backend: cpu\n\nout \(Softmax\) → 2×3\n/);
    expect(r.stdout).toMatch(new RegExp(`sample 0: class ${best(0)} \\(\\d+\\.\\d%\\)`));
    expect(r.stdout).toMatch(new RegExp(`sample 1: class ${best(1)} \\(\\d+\\.\\d%\\)`));
  });
});
