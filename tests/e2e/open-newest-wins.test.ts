/**
 * Opening documents while one is still being laid out (browser build): a project without
 * positions is laid out in a web worker before it opens, and the window stays usable meanwhile.
 * A document opened during that layout (here one with positions, which opens at once) stays on
 * the canvas when the older layout finishes — before, the older file replaced it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../integration/cli-run';
import { nodeById, openApp, openFileFromToolbar } from './helpers/editor';
import { newPage, startSession, type Session } from './helpers/session';

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(async () => {
  await s?.close();
});

type Project = { layout?: unknown; graph: { nodes: { id: string }[] } };
const preset = (file: string): Project => JSON.parse(readFileSync(join(ROOT, 'resources/presets', file), 'utf8')) as Project;

describe('opening documents while one is laid out', () => {
  it('keeps the newest document when an older one finishes its layout later', async () => {
    const { page, context, errors } = await newPage(s);
    await openApp(page, s.url);
    const big = preset('densenet121.convas.json');
    delete big.layout;
    const bigFile = join(tmpdir(), 'convas-e2e-densenet121-no-layout.convas.json');
    writeFileSync(bigFile, JSON.stringify(big));
    const small = preset('lenet5.convas.json');
    const smallFile = join(tmpdir(), 'convas-e2e-lenet5.convas.json');
    writeFileSync(smallFile, JSON.stringify(small));

    await openFileFromToolbar(page, bigFile);
    // DenseNet-121's 400-odd blocks take the worker well over the busy line's 300 ms
    const busy = page.getByText(`Laying out ${big.graph.nodes.length} blocks…`);
    await busy.waitFor({ timeout: 30_000 });
    await openFileFromToolbar(page, smallFile);
    await nodeById(page, small.graph.nodes[small.graph.nodes.length - 1].id).waitFor();
    await busy.waitFor({ state: 'detached', timeout: 120_000 });
    // the older layout has answered: give a wrongly applied result time to reach the canvas
    await page.waitForTimeout(1000);
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 10_000 }).toBe(small.graph.nodes.length);
    const smallIds = new Set(small.graph.nodes.map((n) => n.id));
    const onlyBig = big.graph.nodes.filter((n) => !smallIds.has(n.id)).map((n) => n.id);
    await expect(nodeById(page, onlyBig[onlyBig.length - 1]).count()).resolves.toBe(0);
    await expect(page.getByTestId('doc-title').textContent()).resolves.toContain('lenet5');
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
