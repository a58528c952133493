/** `convas validate` as a child process: the JSON report's exact shape, the table, exit codes. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLine, FIXTURES, runCli } from './cli-run';

const MNIST = join(FIXTURES, 'mnist-cnn.convas.json');

describe('convas validate', () => {
  it('--json prints exactly { ok, nodes, totals, errors, memory } for the seed\'s MNIST CNN', async () => {
    const r = await runCli(['validate', MNIST, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['ok', 'nodes', 'totals', 'errors', 'memory']);
    expect(Object.keys(report.memory)).toEqual(['verdict', 'batch', 'optimizer', 'bytes', 'parts', 'limitBytes', 'limitSource', 'message']);
    expect(report.memory.verdict).toBe('fits');
    expect(Object.keys(report.memory.parts)).toEqual(['parameters', 'gradients', 'optimizer', 'activations', 'data', 'runtime']);
    expect(report.memory.bytes).toBe(Object.values(report.memory.parts as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(report.ok).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.totals).toEqual({ params: 12_042, flops: report.nodes.reduce((a: number, n: { flops: number }) => a + n.flops, 0) });
    for (const n of report.nodes) expect(Object.keys(n)).toEqual(['id', 'type', 'outputShape', 'params', 'flops']);
    expect(report.nodes.map((n: { id: string; outputShape: number[]; params: number }) => [n.id, n.outputShape.join('×'), n.params])).toEqual([
      ['input', '1×28×28', 0],
      ['conv1', '8×24×24', 208],
      ['relu1', '8×24×24', 0],
      ['pool1', '8×12×12', 0],
      ['conv2', '16×8×8', 3216],
      ['relu2', '16×8×8', 0],
      ['pool2', '16×4×4', 0],
      ['flatten', '256', 0],
      ['fc1', '32', 8224],
      ['bn1', '32', 64],
      ['relu3', '32', 0],
      ['fc2', '10', 330],
      ['softmax', '10', 0],
    ]);
    expect(report.nodes[1]).toEqual({ id: 'conv1', type: 'Conv2D', outputShape: [8, 24, 24], params: 208, flops: 8 * 24 * 24 * 51 });
  });

  it('prints the table 18-5 summary without --json', async () => {
    const r = await runCli(['validate', MNIST]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`MNIST CNN (seed table 18-5) (${MNIST})`);
    expect(lines[2]).toMatch(/^Layer\s+Type\s+Parameters\s+Input\s+Output\s+Params\s+FLOPs$/);
    expect(lines.find((l) => l.startsWith('conv2 '))).toMatch(/^conv2\s+Conv2D\s+16 × 5×5, s1\s+8×12×12\s+16×8×8\s+3,216\s+410,624$/);
    expect(lines.find((l) => l.startsWith('fc1 '))).toMatch(/^fc1\s+Dense\s+32\s+256\s+32\s+8,224\s+16,416$/);
    expect(r.stdout).toContain('Total: 12,042 parameters');
    expect(r.stdout).toContain('OK: the graph is valid.');
  });

  it('exits 1 and lists the errors when the graph has errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convas-cli-'));
    const project = JSON.parse(readFileSync(MNIST, 'utf8'));
    project.graph.nodes.find((n: { id: string }) => n.id === 'conv2').params.kernelSize = [13, 13];
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(project));

    const json = await runCli(['validate', file, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([{ node: 'conv2', message: 'conv2: kernel 13×13 does not fit input 12×12 (padding 0): use padding "same" or a kernel of at most 12×12' }]);
    expect(report.nodes.find((n: { id: string }) => n.id === 'relu2').outputShape).toBeNull();

    const text = await runCli(['validate', file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/conv2\s+Conv2D\s+16 × 13×13, s1\s+8×12×12\s+✗ error/);
    expect(text.stdout).toContain('1 error:\n  ✗ conv2: kernel 13×13 does not fit input 12×12 (padding 0): use padding "same" or a kernel of at most 12×12');
  });

  it('exits 2 with one line for a file that is not a project', async () => {
    const r = await runCli(['validate', join(FIXTURES, 'tiny-cnn.weights.json'), '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(expectOneLine(r.stderr)).toBe(`convas validate: ${join(FIXTURES, 'tiny-cnn.weights.json')}: this is a convas-weights file, not a convas-project file`);
  });

  it('--help', async () => {
    const r = await runCli(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: convas validate <project> \[--json\]\n/);
    expect(r.stdout).toContain('Exit codes: 0 the graph is valid, 1 the graph has errors, 2 the file cannot be read');
  });
});
