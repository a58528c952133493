/**
 * Building a network by hand in the browser build: palette drags, wires, inspector edits, the
 * engine's shapes on every node, an error on the layer a change breaks, and undo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, dragLayer, errorOf, fill, nodeById, openApp, outputOf, select, startWire } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

describe('building a CNN on the canvas', () => {
  it('shows the engine’s shapes on every node, marks the layer a change breaks, and undoes it', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    const chain = ['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dense', 'Softmax'];
    for (let i = 0; i < chain.length; i++) await dragLayer(page, chain[i], 260 + (i % 2) * 280, 50 + i * 118);
    const ids = ['input_1', 'conv2d_1', 'maxpool2d_1', 'flatten_1', 'dense_1', 'softmax_1'];
    for (const id of ids) await expect.poll(() => nodeById(page, id).count(), { timeout: 10_000 }).toBe(1);
    for (let i = 0; i + 1 < ids.length; i++) await connect(page, ids[i], ids[i + 1]);
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(5);

    // Required parameters start at the layer's suggested values: a fresh chain is already valid.
    await expect.poll(() => page.getByTestId('node-error').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => outputOf(page, 'conv2d_1').textContent(), { timeout: 10_000 }).toBe('8×26×26');
    await select(page, 'conv2d_1');
    await fill(page, 'param-filters', '8');
    await fill(page, 'param-kernelSize-0', '5');
    await fill(page, 'param-kernelSize-1', '5');
    await select(page, 'maxpool2d_1');
    await fill(page, 'param-poolSize-0', '2');
    await fill(page, 'param-poolSize-1', '2');
    await select(page, 'dense_1');
    await fill(page, 'param-units', '10');

    const expected: Record<string, string> = {
      input_1: '1×28×28',
      conv2d_1: '8×24×24',
      maxpool2d_1: '8×12×12',
      flatten_1: '1152',
      dense_1: '10',
      softmax_1: '10',
    };
    for (const [id, shape] of Object.entries(expected)) await expect.poll(() => outputOf(page, id).textContent(), { timeout: 10_000 }).toBe(shape);
    await expect.poll(() => page.getByTestId('node-error').count(), { timeout: 10_000 }).toBe(0);
    // Conv 8·1·5·5 + 8 = 208, Dense 1152·10 + 10 = 11530.
    await expect.poll(() => page.getByTestId('status-params').textContent(), { timeout: 10_000 }).toBe('11,738');
    await expect.poll(() => page.getByTestId('status-errors').textContent(), { timeout: 10_000 }).toContain('No problems');

    // A kernel taller than the image: the engine's message on conv2d_1, nowhere else.
    await select(page, 'conv2d_1');
    // the kernel's height and width are linked (square) by default: one number sets both
    await fill(page, 'param-kernelSize-0', '29');
    await expect.poll(() => errorOf(page, 'conv2d_1').textContent(), { timeout: 10_000 }).toMatch(/kernel 29×29 .*28×28.*use padding "same" or a kernel of at most 28×28/);
    await expect.poll(() => page.getByTestId('node-error').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => outputOf(page, 'maxpool2d_1').textContent(), { timeout: 10_000 }).toBe('—');
    await expect.poll(() => page.getByTestId('status-errors').textContent(), { timeout: 10_000 }).toContain('1 problem');
    await page.screenshot({ path: `${SCREENSHOTS}/build-a-cnn-error.png` });

    // The status bar lists it; clicking selects that layer.
    await page.getByTestId('status-errors').click();
    await page.getByTestId('error-list').getByRole('button', { name: /conv2d_1/ }).click();
    await expect.poll(() => page.getByTestId('inspector-name').inputValue(), { timeout: 10_000 }).toBe('conv2d_1');

    // Undo from the canvas (focus off the field): the error is gone and the shapes are back.
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+Z');
    await expect.poll(() => page.getByTestId('node-error').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => outputOf(page, 'conv2d_1').textContent(), { timeout: 10_000 }).toBe('8×24×24');
    await expect.poll(() => outputOf(page, 'softmax_1').textContent(), { timeout: 10_000 }).toBe('10');
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => errorOf(page, 'conv2d_1').count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('Control+Z');
    await page.screenshot({ path: `${SCREENSHOTS}/build-a-cnn.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses to wire mismatched tensors into an Add, saying why', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await dragLayer(page, 'Input', 420, 40);
    await dragLayer(page, 'Conv2D', 240, 200);
    await dragLayer(page, 'Conv2D', 560, 200);
    await dragLayer(page, 'Add', 420, 380);
    for (const [id, filters] of [
      ['conv2d_1', '8'],
      ['conv2d_2', '16'],
    ] as const) {
      await select(page, id);
      await fill(page, 'param-filters', filters);
      await fill(page, 'param-kernelSize-0', '3');
      await fill(page, 'param-kernelSize-1', '3');
      await page.getByTestId('param-padding-same').click();
    }
    await connect(page, 'input_1', 'conv2d_1');
    await connect(page, 'input_1', 'conv2d_2');
    await connect(page, 'conv2d_1', 'add_1', 0);
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(3);

    // While dragging over the second port, the engine's reason shows at the cursor.
    await startWire(page, 'conv2d_2', 'add_1', 1);
    const hint = page.getByTestId('connection-hint');
    await expect.poll(() => hint.textContent(), { timeout: 10_000 }).toMatch(/Cannot connect.*8×28×28 vs 16×28×28/);
    await page.screenshot({ path: `${SCREENSHOTS}/add-refused.png` });
    await page.mouse.up();
    // the refusal is handled once its toast shows; then no wire was added
    await expect.poll(() => page.getByTestId('toast-error').first().textContent(), { timeout: 10_000 }).toContain('8×28×28 vs 16×28×28');
    await expect(page.locator('.react-flow__edge').count()).resolves.toBe(3);

    // Matching shapes are accepted: make conv2d_2 produce 8 channels too.
    await select(page, 'conv2d_2');
    await fill(page, 'param-filters', '8');
    await connect(page, 'conv2d_2', 'add_1', 1);
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(4);
    await expect.poll(() => outputOf(page, 'add_1').textContent(), { timeout: 10_000 }).toBe('8×28×28');

    // A parameter change that breaks the Add downstream marks the Add with the engine's message.
    await fill(page, 'param-filters', '4');
    await expect.poll(() => errorOf(page, 'add_1').textContent(), { timeout: 10_000 }).toMatch(/8×28×28 vs 4×28×28/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
