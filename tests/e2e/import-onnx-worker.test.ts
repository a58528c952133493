/**
 * ONNX import off the page's main thread (browser build): File → Open of torchvision's ResNet-18
 * (exported by PyTorch, 11.2 M parameters, cached under the temp folder) says what it is doing
 * ("Importing resnet18.onnx…") while a web worker imports and lays it out, the page answers in
 * the meantime, and the graph arrives with its weights. A PerformanceObserver records the
 * main thread's long tasks from the click until the graph is on the canvas; the figure is printed.
 * A model with an unmappable node is refused with the importer's message through the worker. A
 * second model opened while ResNet-18 is importing is the one that stays on the canvas.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTorchModels } from '../helpers/onnx-import';
import { ROOT } from '../integration/cli-run';
import { nodeById, openApp, openFileFromToolbar } from './helpers/editor';
import { installLongTaskProbe, longTasksBetween, pageClock } from './helpers/long-tasks';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

/** Kept between runs: PyTorch's export takes a while on two cores. */
const CACHE = join(tmpdir(), 'convas-e2e-onnx-models');
const at = (name: string) => join(CACHE, `${name}.onnx`);

let s: Session;
beforeAll(async () => {
  mkdirSync(CACHE, { recursive: true });
  const missing = ['resnet18', 'unmappable'].filter((n) => !existsSync(at(n)));
  if (missing.length) exportTorchModels(CACHE, missing);
  s = await startSession();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe('ONNX import in a web worker', () => {
  it('imports ResNet-18 with progress shown and the page responsive; prints the main thread\'s longest task', async () => {
    const { page, context, errors } = await newPage(s);
    await page.addInitScript(installLongTaskProbe);
    await openApp(page, s.url);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('tool-open').click()]);
    const from = await pageClock(page);
    const t0 = Date.now();
    await chooser.setFiles(at('resnet18'));
    await page.getByText('Importing resnet18.onnx…').waitFor({ timeout: 10_000 });
    // the page answers while the worker works: round trips to the page during the import
    const answers: number[] = [];
    while (!(await page.getByText(/Imported resnet18\.onnx/).count())) {
      const a = Date.now();
      await page.evaluate(() => 1);
      answers.push(Date.now() - a);
      await page.waitForTimeout(100);
    }
    const seconds = (Date.now() - t0) / 1000;
    await nodeById(page, 'fc').waitFor();
    await expect.poll(() => page.getByTestId('status-params').textContent(), { timeout: 10_000 }).toContain('11,181,642');
    // the canvas's first paint of the graph counts too
    await page.waitForTimeout(500);
    const to = await pageClock(page);
    await expect.poll(() => page.getByText('Importing resnet18.onnx…').count(), { timeout: 10_000 }).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/import-onnx-resnet18.png` });
    const tasks = await longTasksBetween(page, from, to);
    console.log(
      `ResNet-18 (11,181,642 parameters) File → Open → on the canvas in ${seconds.toFixed(1)} s; main-thread tasks over 50 ms: ${tasks.length}, ` +
        `longest ${Math.round(Math.max(0, ...tasks))} ms, ${(tasks.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s in all; ` +
        `page round trips during the import: ${answers.length}, slowest ${Math.max(0, ...answers)} ms`,
    );
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('refuses a model with an unmappable node with the importer\'s message, leaving the canvas empty', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openFileFromToolbar(page, at('unmappable'));
    await page.getByText(/Could not import unmappable\.onnx: .*1 ONNX node cannot be mapped onto Convas layers/).waitFor();
    await page.getByText(/\/Selu \(Selu; inputs "\/Relu_output_0"\): ONNX Selu has no Convas layer/).waitFor();
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a model opened while another is importing wins: the older import is dropped when it finishes', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openFileFromToolbar(page, at('resnet18'));
    await page.getByText('Importing resnet18.onnx…').waitFor({ timeout: 10_000 });
    await openFileFromToolbar(page, join(ROOT, 'resources/samples/mnist-cnn-pytorch.onnx'));
    await nodeById(page, 'c1').waitFor();
    await page.getByTestId('busy').waitFor({ state: 'detached', timeout: 60_000 });
    await page.waitForTimeout(1000);
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(12);
    await expect(page.getByTestId('status-params').textContent()).resolves.toContain('6,042');
    expect(readFileSync(at('resnet18')).byteLength).toBeGreaterThan(40e6); // the slow one really was the big one
    expect(errors).toEqual([]);
    await context.close();
  });
});
