/**
 * Runs in the browser build beyond one clean epoch: a stopped run resumes from its checkpoint
 * after a reload (IndexedDB), runs overlay their curves; a diverging run shows the worker's
 * message in place and keeps its curves; MNIST IDX files chosen through the file input train
 * in the worker; a weights file for another graph is refused naming the tensor and both shapes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weightsToJson } from '../../src/engine/io/weights';
import { parseGraph } from '../../src/engine/graph/validate';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights } from '../../src/engine/train/weights';
import { openApp } from './helpers/editor';
import { presetFiles } from './helpers/presets';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();
const stepOf = async (page: Page) => Number((await text(page, 'training-step')).split('/')[0]);

async function openPresetForTraining(page: Page, opts: { samples?: number; test?: number; epochs: number; lr?: string; preset?: string }) {
  await openApp(page, s.url);
  await page.getByTestId('tool-showGallery').click();
  await page.locator(`[data-testid="preset-card"][data-file="${opts.preset ?? 'seed-mnist-cnn.convas.json'}"]`).click();
  await page.getByTestId('gallery').waitFor({ state: 'detached' });
  await page.getByTestId('tab-train').click();
  // the seed's MNIST CNN defaults to the built-in MNIST digits; these runs use a small Shapes set
  if (opts.samples) await page.getByTestId('training-source').selectOption('shapes');
  if (opts.samples) await page.getByTestId('training-shapes-samples').fill(String(opts.samples));
  if (opts.test) await page.getByTestId('training-shapes-test').fill(String(opts.test));
  await page.getByTestId('training-epochs').fill(String(opts.epochs));
  if (opts.lr) await page.getByTestId('training-lr').fill(opts.lr);
  await page.getByTestId('training-backend').selectOption('webasm');
}

function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x800 | dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

/** A tiny MNIST look-alike: a bright bar whose row is the digit. */
function mnistLike(n: number): { images: Buffer; labels: Buffer } {
  const px = new Uint8Array(n * 784);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 10;
    for (let c = 4; c < 24; c++) px[i * 784 + (2 + y[i] * 2) * 28 + c] = 255;
  }
  return { images: idx([n, 28, 28], px), labels: idx([n], y) };
}

describe('training runs in the browser build', () => {
  it('resumes a stopped run from its checkpoint after a reload, and overlays runs', async () => {
    const { page, context, errors } = await newPage(s);
    await openPresetForTraining(page, { samples: 512, test: 128, epochs: 2 });
    await page.getByTestId('training-train').click();
    await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    await page.getByTestId('training-stop').click();
    await expect.poll(() => text(page, 'training-status'), { timeout: 30_000 }).toBe('Stopped');
    const stoppedAt = await stepOf(page);
    await expect.poll(() => page.getByTestId('training-continue').isVisible(), { timeout: 10_000 }).toBe(true);

    await page.reload();
    await page.getByTestId('palette').waitFor();
    await page.getByTestId('tab-train').click();
    const row = page.getByTestId('training-run-0');
    await expect.poll(() => row.textContent()).toContain('stopped');
    await row.getByTestId('training-run-resume').click();
    await expect.poll(() => text(page, 'training-status'), { timeout: 30_000 }).toBe('Training');
    // it picks up where it stopped, not at step 0
    expect(await stepOf(page)).toBeGreaterThanOrEqual(stoppedAt);
    await expect.poll(() => text(page, 'training-status'), { timeout: 120_000 }).toBe('Finished');
    await expect.poll(() => page.getByTestId('training-final').textContent(), { timeout: 10_000 }).toContain('After epoch 2');

    // a second run (of the preset again: the reload left the canvas empty), then both curves together
    await page.getByTestId('tool-showGallery').click();
    await page.locator('[data-testid="preset-card"][data-file="seed-mnist-cnn.convas.json"]').click();
    await page.getByTestId('gallery').waitFor({ state: 'detached' });
    await page.getByTestId('training-epochs').fill('1');
    // another learning rate: the same settings would draw the very same curve (runs repeat exactly)
    await page.getByTestId('training-lr').fill('0.03');
    await page.getByTestId('training-backend').selectOption('webasm');
    await page.getByTestId('training-train').click();
    await expect.poll(() => text(page, 'training-status'), { timeout: 120_000 }).toBe('Finished');
    await page.getByTestId('training-run-1').getByTestId('training-run-overlay').check();
    await expect.poll(() => page.getByTestId('training-chart-loss').locator('.u-legend').textContent()).toMatch(/#1 .*#2 |#2 .*#1 /s);
    await page.screenshot({ path: `${SCREENSHOTS}/training-overlay.png` });
    // rename, then delete the older run
    await page.getByTestId('training-run-1').getByTestId('training-run-name').dblclick();
    await page.getByTestId('training-run-name-input').fill('baseline');
    await page.getByTestId('training-run-name-input').press('Enter');
    await expect.poll(() => page.getByTestId('training-run-1').getByTestId('training-run-name').textContent()).toBe('baseline');
    await page.getByTestId('training-run-1').getByTestId('training-run-delete').click();
    await expect.poll(() => page.getByTestId('training-runs').locator('li').count(), { timeout: 10_000 }).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a diverging run’s message in place and keeps its curves', async () => {
    const { page, context } = await newPage(s);
    // the seed's kernel fit (a linear convolution, squared error) blows up at once with lr 900
    await openPresetForTraining(page, { epochs: 50, lr: '900', preset: 'seed-kernel-fit.convas.json' });
    await page.getByTestId('training-train').click();
    await page.getByTestId('training-error').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('training-status').textContent(), { timeout: 10_000 }).toBe('Failed');
    const message = await text(page, 'training-error-message');
    expect(message).toMatch(/^training diverged at epoch \d+, step 1 \(step \d+ of the run\): the loss is (NaN|Infinity)/);
    expect(message).toContain('try a lower learning rate (now 900)');
    await expect.poll(() => page.getByTestId('training-error').textContent(), { timeout: 10_000 }).toContain('The curves so far are kept.');
    // its epochs before the blow-up were checkpointed: it offers to go on from there
    await expect.poll(() => page.getByTestId('training-error').textContent(), { timeout: 10_000 }).toMatch(/The last checkpoint is at the start of epoch \d+\./);
    await expect.poll(() => page.getByTestId('training-resume-checkpoint').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/training-failed.png` });
    // the canvas is editable again
    await expect.poll(() => page.getByTestId('canvas-lock').count(), { timeout: 10_000 }).toBe(0);
    await context.close();
  });

  it('trains on MNIST IDX files chosen through the file input', async () => {
    const { page, context, errors } = await newPage(s);
    await openPresetForTraining(page, { epochs: 1 });
    const train = mnistLike(256);
    const test = mnistLike(64);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('training-source').selectOption('idx')]);
    await chooser.setFiles([
      { name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: train.images },
      { name: 'train-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: train.labels },
      { name: 't10k-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: test.images },
      { name: 't10k-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: test.labels },
    ]);
    await expect.poll(() => text(page, 'training-data-count')).toBe('256 train · 64 test');
    await expect.poll(() => page.getByTestId('training-data-info').textContent(), { timeout: 10_000 }).toContain('0, 1, 2, 3, 4, 5, 6, 7, 8, 9');
    await page.getByTestId('training-fit-ok').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/training-mnist-files.png` });
    await page.getByTestId('training-train').click();
    await expect.poll(() => text(page, 'training-status'), { timeout: 90_000 }).toBe('Finished');
    await expect.poll(() => page.getByTestId('training-val-accuracy').textContent(), { timeout: 10_000 }).toMatch(/%$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses a weights file made for another graph, naming the tensor and both shapes', async () => {
    const { page, context } = await newPage(s);
    await openPresetForTraining(page, { epochs: 1 });
    const preset = presetFiles().find((p) => p.file === 'seed-mnist-cnn.convas.json')!.json as unknown as { graph: { nodes: { id: string; params: Record<string, unknown> }[] } };
    const other = structuredClone(preset.graph);
    other.nodes.find((n) => n.id === 'conv1')!.params.filters = 4;
    const report = inferShapes(parseGraph(other));
    const file = join(mkdtempSync(join(tmpdir(), 'convas-e2e-')), 'other.weights.json');
    writeFileSync(file, JSON.stringify(weightsToJson(report, initWeights(report, 'msra', 1))));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('training-import-weights').click()]);
    await chooser.setFiles(file);
    const error = await page.getByTestId('training-weights-error').textContent();
    expect(error).toContain('other.weights.json: ');
    expect(error).toContain('conv1.weight: file has 4×1×5×5, graph needs 8×1×5×5');
    expect(error).toContain('conv2.weight: file has 16×4×5×5, graph needs 16×8×5×5');
    expect(error).toContain('conv1.bias: file has 4, graph needs 8');
    await context.close();
  });
});
