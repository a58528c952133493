/**
 * Learning, through `convas train` and its worker on webasm (the fastest CPU backend):
 *  - the seed's MNIST CNN (table 18-5, a 6-way last layer) on built-in Shapes (28×28 grey,
 *    6 classes): ≥ 95% validation accuracy within 3 epochs of 6,000 samples (≈ 45 s here);
 *  - the seed's Fashion-MNIST fully-connected net (18.5.2) on the same data: it learns;
 *  - the kernel fit (17.3.7) as the preset runs it: loss < 1e-7, kernel within 1e-2.
 * The presets are used as shipped, changed only where the task differs (6 classes, inputs
 * standardised as the seed's MNIST pipeline does).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index';
import { HORIZONTAL_EDGE_KERNEL } from '../../src/engine/data/kernel-fit';

const dir = mkdtempSync(join(tmpdir(), 'convas-learning-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Line {
  type: string;
  [k: string]: unknown;
}

async function train(args: string[]): Promise<Line[]> {
  let out = '';
  let err = '';
  const code = await main(['train', ...args, '--json', '--backend', 'webasm'], { out: (t) => void (out += t), err: (t) => void (err += t) });
  if (code !== 0) throw new Error(`convas train exited with ${code}: ${err}`);
  return out.trim().split('\n').map((l) => JSON.parse(l) as Line);
}

/** A preset with its last Dense layer cut to `units` and inputs standardised. */
function sixWay(preset: string, lastDense: string): string {
  const p = JSON.parse(readFileSync(join('resources/presets', preset), 'utf8'));
  p.graph.nodes.find((n: { id: string }) => n.id === lastDense).params.units = 6;
  p.training.dataset.normalize = 'standardize';
  const path = join(dir, preset);
  writeFileSync(path, JSON.stringify(p));
  return path;
}

function report(name: string, events: Line[]): void {
  const ready = events[0];
  const epochs = events.filter((e) => e.type === 'epoch');
  const rate = epochs.reduce((a, e) => a + (e.samplesPerSec as number), 0) / epochs.length;
  const last = epochs.at(-1)!;
  console.log(`${name} on ${ready.backend}: ${epochs.length} epochs, validation accuracy ${((last.valAccuracy as number) * 100).toFixed(1)}%, ${Math.round(rate)} samples/s`);
}

describe('learning through convas train', () => {
  it("the seed's MNIST CNN reaches ≥ 95% on Shapes within 3 epochs of 6,000 samples", { timeout: 300_000 }, async () => {
    const events = await train([sixWay('seed-mnist-cnn.convas.json', 'fc2'), '--data', 'shapes', '--epochs', '3']);
    report('MNIST CNN', events);
    const ready = events[0];
    expect(ready.dataset).toMatchObject({ trainCount: 6000, inputShape: [1, 28, 28] });
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(3);
    expect(epochs[2].valAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it("the seed's Fashion-MNIST fully-connected net learns the same data", { timeout: 300_000 }, async () => {
    const events = await train([sixWay('seed-fashion-mnist-dnn.convas.json', 'fc3'), '--data', 'shapes', '--epochs', '3']);
    report('Fashion FC net', events);
    const epochs = events.filter((e) => e.type === 'epoch');
    // chance is 1/6; measured: 80.8% after 3 epochs, 90% after the preset's 10
    expect(epochs[2].valAccuracy).toBeGreaterThanOrEqual(0.7);
    expect(epochs[2].trainLoss).toBeLessThan((epochs[0].trainLoss as number) * 0.8);
  });

  it('the kernel-fit preset reproduces 17.3.7: loss < 1e-7, kernel within 1e-2 of the true one', { timeout: 300_000 }, async () => {
    const out = join(dir, 'kernel.json');
    const events = await train(['resources/presets/seed-kernel-fit.convas.json', '--out', out]);
    const finished = events.at(-1)!;
    expect(finished).toMatchObject({ type: 'finished', reason: 'completed', epochs: 4000 });
    const lastStep = events.filter((e) => e.type === 'step').at(-1)!;
    expect(lastStep.loss).toBeLessThan(1e-7);
    const kernel: number[] = JSON.parse(readFileSync(out, 'utf8')).tensors['conv.weight'].data;
    console.log(`kernel fit: final MSE ${(lastStep.loss as number).toExponential(3)}, kernel [${kernel.map((v) => v.toFixed(4)).join(', ')}]`);
    kernel.forEach((v, i) => expect(Math.abs(v - HORIZONTAL_EDGE_KERNEL[i])).toBeLessThan(1e-2));
  });
});
