/**
 * Binary weights (.safetensors, convas-weights v2) in the browser build: the Train tab's Import
 * reads them through the file input (as bytes, told apart from JSON by their first bytes), fits
 * them to the graph and embeds them; binary weights made for another graph are refused naming
 * the tensor and both shapes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { parseGraph } from '../../src/engine/graph/validate';
import { joinChunks } from '../../src/engine/io/bytes';
import { encodeWeightsFile } from '../../src/engine/io/weights-encode';
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

const dir = mkdtempSync(join(tmpdir(), 'convas-e2e-bin-'));
const presetGraph = () => structuredClone((presetFiles().find((p) => p.file === 'seed-mnist-cnn.convas.json')!.json as unknown as { graph: Graph }).graph);

function binaryWeights(name: string, graph: Graph): string {
  const report = inferShapes(parseGraph(graph));
  const file = join(dir, name);
  writeFileSync(file, joinChunks(encodeWeightsFile(report, initWeights(report, 'msra', 1), { graph }, 'binary')));
  return file;
}

async function openTrainTab(page: Page): Promise<void> {
  await openApp(page, s.url);
  await page.getByTestId('tool-showGallery').click();
  await page.locator('[data-testid="preset-card"][data-file="seed-mnist-cnn.convas.json"]').click();
  await page.getByTestId('gallery').waitFor({ state: 'detached' });
  await page.getByTestId('tab-train').click();
}

async function importWeights(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('training-import-weights').click()]);
  await chooser.setFiles(file);
}

describe('binary weights in the browser build', () => {
  it('imports .safetensors weights that fit the graph', async () => {
    const { page, context, errors } = await newPage(s);
    await openTrainTab(page);
    await importWeights(page, binaryWeights('mnist.safetensors', presetGraph()));
    await expect(page.getByTestId('toast-success').textContent()).resolves.toContain('mnist.safetensors fits the network: the next run starts from it');
    await expect(page.getByTestId('training-weights-error').count()).resolves.toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/training-import-safetensors.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses .safetensors weights made for another graph, naming the tensor and both shapes', async () => {
    const { page, context } = await newPage(s);
    await openTrainTab(page);
    const other = presetGraph();
    other.nodes.find((n) => n.id === 'conv1')!.params.filters = 4;
    await importWeights(page, binaryWeights('other.safetensors', other));
    const error = await page.getByTestId('training-weights-error').textContent();
    expect(error).toContain('other.safetensors: ');
    expect(error).toContain('conv1.weight: file has 4×1×5×5, graph needs 8×1×5×5');
    await context.close();
  });
});
