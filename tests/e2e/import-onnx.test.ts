/**
 * ONNX in the browser build: File → Open of a PyTorch export (resources/samples/
 * mnist-cnn-pytorch.onnx) and dropping the same file on the window put its graph on the canvas,
 * laid out, with every layer's shape and the parameter total; the document is new and unsaved.
 * A file that is not ONNX is refused with a message and leaves the canvas as it was. Its input
 * (1×28×28) fits Shapes: the imported network trains one epoch on a small Shapes set (webasm).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/engine/io/import/onnx-import';
import { ROOT } from '../integration/cli-run';
import { nodeById, openApp, openFileFromToolbar, outputOf } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

const MODEL = join(ROOT, 'resources/samples/mnist-cnn-pytorch.onnx');

/** Convas node id → output shape shown on its card (torch.onnx.export names: /c1/Conv → c1, …). */
const SHAPES: Record<string, string> = {
  input: '1×28×28',
  c1: '8×24×24',
  bn1: '8×24×24',
  MaxPool: '8×12×12',
  c2: '16×8×8',
  MaxPool_1: '16×4×4',
  Flatten: '256',
  fc: '10',
  Softmax: '10',
};

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

async function expectImported(page: Page): Promise<void> {
  await nodeById(page, 'c1').waitFor();
  await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 10_000 }).toBe(12);
  for (const [id, shape] of Object.entries(SHAPES)) await expect.poll(() => outputOf(page, id).textContent(), { message: id, timeout: 10_000 }).toBe(shape);
  await expect.poll(() => page.getByTestId('status-params').textContent(), { timeout: 10_000 }).toContain('6,042');
  await expect.poll(() => page.getByTestId('doc-dirty').count(), { timeout: 10_000 }).toBe(1);
  // laid out: no two cards at the same place (React Flow places a card once it is measured)
  const transforms = () => page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => (e as unknown as { style: { transform: string } }).style.transform));
  await expect.poll(async () => new Set(await transforms()).size, { timeout: 10_000 }).toBe(12);
}

describe('ONNX import in the app', () => {
  it('File → Open accepts an .onnx, shows its graph with shapes, and it trains one epoch on Shapes', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openFileFromToolbar(page, MODEL);
    await expectImported(page);
    await page.screenshot({ path: `${SCREENSHOTS}/import-onnx.png` });

    const text = async (id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();
    await page.getByTestId('tab-train').click();
    await page.getByTestId('training-source').selectOption('shapes');
    await page.getByTestId('training-shapes-samples').fill('512');
    await page.getByTestId('training-shapes-test').fill('128');
    await page.getByTestId('training-epochs').fill('1');
    await page.getByTestId('training-backend').selectOption('webasm');
    await page.getByTestId('training-fit-ok').waitFor();
    await page.getByTestId('training-train').click();
    await expect.poll(() => text('training-status'), { timeout: 120_000 }).toBe('Finished');
    await expect.poll(() => text('training-val-accuracy'), { timeout: 10_000 }).toMatch(/^\d+\.\d%$/);
    await page.screenshot({ path: `${SCREENSHOTS}/import-onnx-trained.png` });
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('dropping an .onnx on the window opens it; a dropped non-ONNX file is refused', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    const drop = async (name: string, bytes: number[]) => {
      await page.evaluate(
        ({ name, bytes }) => {
          // the page's own classes (the Node-side typecheck has no DOM library)
          const w = globalThis as unknown as {
            DataTransfer: new () => { items: { add(file: unknown): void } };
            File: new (parts: unknown[], name: string) => unknown;
            DragEvent: new (type: string, init: object) => unknown;
            dispatchEvent(e: unknown): boolean;
          };
          const dt = new w.DataTransfer();
          dt.items.add(new w.File([new Uint8Array(bytes)], name));
          w.dispatchEvent(new w.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        },
        { name, bytes },
      );
    };
    await drop('broken.onnx', [1, 2, 3, 4]);
    await page.getByText(/Could not import broken\.onnx/).waitFor();
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(0);
    await drop('mnist-cnn-pytorch.onnx', [...readFileSync(MODEL)]);
    await expectImported(page);
    // saved, the project carries the model's weights exactly (float32), the BatchNorm statistics too
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tool-save').click()]);
    expect(download.suggestedFilename()).toBe('mnist-cnn-pytorch.convas.json');
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8')) as { weights: { tensors: Record<string, { data: number[] }> } };
    const imported = importOnnx(readFileSync(MODEL));
    expect(Object.keys(saved.weights.tensors).sort()).toEqual(Object.keys(imported.weights).sort());
    for (const [key, t] of Object.entries(imported.weights)) expect(saved.weights.tensors[key].data.map(Math.fround), key).toEqual([...t]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
