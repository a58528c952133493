/**
 * Inserting a block preset into the network being edited: a ResNet basic block after relu1 of
 * the seed's MNIST CNN (fitted to its 8 channels, ids made unique, wired in), which then trains
 * one epoch on Shapes in the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextMenu, nodeById, nodePreview, openApp, openPreset, outputOf } from './helpers/editor';
import { newPage, SCREENSHOTS, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

describe('inserting a block', () => {
  it('inserts a ResNet basic block after the selected layer and trains the network one epoch', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    await openPreset(page, 'seed-mnist-cnn.convas.json');
    await contextMenu(page, 'relu1', 'Insert ResNet basic block after');

    const added = ['res1_conv1', 'res1_bn1', 'res1_relu1', 'res1_conv2', 'res1_bn2', 'res1_add', 'res1_relu2'];
    for (const id of added) await expect.poll(() => nodeById(page, id).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('node-error').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => outputOf(page, 'res1_conv1').textContent(), { timeout: 10_000 }).toBe('8×24×24');
    await expect.poll(() => outputOf(page, 'res1_relu2').textContent(), { timeout: 10_000 }).toBe('8×24×24');
    // the shortcut and the main path both leave relu1; pool1 now follows the block (React Flow
    // draws a wire once both of its blocks are measured)
    await expect.poll(() => page.locator('.react-flow__edge[data-id^="relu1->"]').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.locator('.react-flow__edge[data-id="res1_relu2->pool1:0"]').count(), { timeout: 10_000 }).toBe(1);
    await expect(page.locator('.react-flow__edge[data-id^="relu1->pool1"]').count()).resolves.toBe(0);
    await page.getByTestId('tool-zoomToFit').click().catch(() => undefined);
    await page.screenshot({ path: `${SCREENSHOTS}/insert-resnet-block.png` });

    // one undo takes the whole block out again, redo puts it back
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeById(page, 'res1_add').count(), { timeout: 10_000 }).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodeById(page, 'res1_add').count(), { timeout: 10_000 }).toBe(1);

    await page.getByTestId('tab-train').click();
    await page.getByTestId('training-source').selectOption('shapes');
    await page.getByTestId('training-shapes-samples').fill('400');
    await page.getByTestId('training-shapes-test').fill('60');
    await page.getByTestId('training-epochs').fill('1');
    await page.getByTestId('training-backend').selectOption('cpu');
    await page.getByTestId('training-train').click();
    await page.getByTestId('training-status').filter({ hasText: /Finished|Failed/ }).waitFor({ timeout: 150_000 });
    const failure = (await page.getByTestId('training-error').count()) > 0 ? await page.getByTestId('training-error').textContent() : '';
    expect(`${await page.getByTestId('training-status').textContent()} ${failure}`).toMatch(/^Finished/);
    // the canvas's previews now show the trained weights, through the inserted block too
    await page.getByTestId('preview-status').filter({ hasText: /^trained weights$/ }).waitFor({ timeout: 60_000 });
    await expect.poll(() => nodePreview(page, 'res1_add').getAttribute('data-source'), { timeout: 10_000 }).toBe('trained');
    expect(errors).toEqual([]);
    await context.close();
  }, 200_000);
});
