/**
 * Renderer helpers over the engine's report: the memoized canvas → graph conversion, the
 * memory estimate, the palette's search and categories, thumbnail folding, inspector checks.
 */
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../src/engine/layers/index';
import { CATEGORY_ORDER } from '../../src/renderer/graph/categories';
import { formatBytes, formatCompact } from '../../src/renderer/graph/format';
import { statusMemory } from '../../src/renderer/graph/memory';
import { estimateTrainingMemory } from '../../src/engine/train/memory-estimate';
import { reportFor } from '../../src/renderer/graph/report';
import { toGraphMemo } from '../../src/renderer/graph/toGraph';
import { checkName, checkParam, parseShapeText, rangeText } from '../../src/renderer/inspector/validate';
import { searchLayers } from '../../src/renderer/palette/search';
import { foldLayout } from '../../src/renderer/presets/fold';
import { makeEdge, makeLayerNode } from '../../src/renderer/store/editor';
import { getLayer } from '../../src/engine/layers/index';

const nodes = [
  makeLayerNode('input', 'Input', { shape: [1, 28, 28] }, { x: 0, y: 0 }),
  makeLayerNode('conv', 'Conv2D', { filters: 8, kernelSize: [5, 5] }, { x: 0, y: 150 }),
];
const edges = [makeEdge('input', 'conv', 0)];

describe('toGraphMemo', () => {
  it('returns the same graph for a move or a selection, a new one for a parameter change', () => {
    const g = toGraphMemo(nodes, edges);
    const moved = nodes.map((n) => ({ ...n, position: { x: 5, y: 5 }, selected: true }));
    expect(toGraphMemo(moved, [...edges])).toBe(g);
    const changed = [nodes[0], { ...nodes[1], data: { ...nodes[1].data, params: { filters: 4, kernelSize: [5, 5] } } }];
    expect(toGraphMemo(changed, edges)).not.toBe(g);
  });
});

describe('status bar memory', () => {
  it("is the engine's estimate (the one the worker refuses a run by), judged against the browser's figure", () => {
    // without an output layer there is nothing to train (previews only): no figure
    expect(statusMemory(reportFor(toGraphMemo(nodes, edges)), 10, 'adam', { deviceMemory: 8 })).toBeNull();
    const head = [
      makeLayerNode('flat', 'Flatten', {}, { x: 0, y: 300 }),
      makeLayerNode('fc', 'Dense', { units: 10 }, { x: 0, y: 450 }),
      makeLayerNode('sm', 'Softmax', {}, { x: 0, y: 600 }),
    ];
    const trainable = [...nodes, ...head];
    const trainEdges = [...edges, makeEdge('conv', 'flat', 0), makeEdge('flat', 'fc', 0), makeEdge('fc', 'sm', 0)];
    const r = reportFor(toGraphMemo(trainable, trainEdges));
    expect(r.ok).toBe(true);
    const v = statusMemory(r, 10, 'adam', { deviceMemory: 8 })!;
    expect(v.estimate).toEqual(estimateTrainingMemory(r, { batch: 10, optimizer: 'adam' }));
    expect(v.verdict).toBe('fits');
    expect(v.limit.bytes).toBe(8 * 2 ** 30);
    expect(statusMemory(r, 10, 'adam', { deviceMemory: 1e-6 })!.verdict).toBe('too-big');
    const broken = reportFor(toGraphMemo([...trainable, makeLayerNode('fc0', 'Dense', { units: 0 }, { x: 0, y: 300 })], [...trainEdges, makeEdge('conv', 'fc0', 0)]));
    expect(statusMemory(broken, 10, 'adam')).toBeNull();
  });
  it('formats', () => {
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatCompact(138_357_544)).toBe('138M');
    expect(formatCompact(61_706)).toBe('61.7k');
  });
});

describe('palette', () => {
  it('knows every category the registry uses', () => {
    for (const l of LAYERS) expect(CATEGORY_ORDER).toContain(l.category);
  });
  it('finds by name first, then by category and description', () => {
    expect(searchLayers('')).toHaveLength(LAYERS.length);
    expect(searchLayers('conv')[0].type).toBe('Conv2D');
    expect(searchLayers('pooling').map((l) => l.type)).toEqual(expect.arrayContaining(['MaxPool2D', 'AvgPool2D']));
    expect(searchLayers('zzz')).toEqual([]);
  });
});

describe('foldLayout', () => {
  it('folds a tall chain into columns and leaves a compact graph alone', () => {
    const chain = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`n${i}`, { x: 0, y: i * 140 }]));
    const folded = foldLayout(chain);
    const xs = new Set(Object.values(folded).map((p) => p.x));
    expect(xs.size).toBeGreaterThan(2);
    expect(Math.max(...Object.values(folded).map((p) => p.y))).toBeLessThan(40 * 140 / 2);
    const wide = { a: { x: 0, y: 0 }, b: { x: 300, y: 0 }, c: { x: 150, y: 150 } };
    expect(foldLayout(wide)).toBe(wide);
  });
});

describe('inspector checks', () => {
  const conv = getLayer('Conv2D')!;
  const def = (name: string) => conv.params.find((d) => d.name === name)!;
  it('uses the engine’s messages', () => {
    expect(checkParam('c', def('filters'), 0)).toEqual({ ok: false, message: 'filters must be ≥ 1, got 0' });
    expect(checkParam('c', def('filters'), 'abc')).toEqual({ ok: false, message: expect.stringContaining('whole number') });
    expect(checkParam('c', def('filters'), undefined)).toEqual({ ok: false, message: 'filters is required' });
    expect(checkParam('c', def('kernelSize'), [3, 5])).toEqual({ ok: true, value: [3, 5] });
    expect(checkParam('c', def('padding'), 'same')).toEqual({ ok: true, value: 'same' });
  });
  it('parses shapes as people type them', () => {
    expect(parseShapeText('3×32×32')).toEqual([3, 32, 32]);
    expect(parseShapeText('1, 28, 28')).toEqual([1, 28, 28]);
    expect(parseShapeText('784')).toEqual([784]);
    expect(parseShapeText('3 x a')).toBe('3 x a');
  });
  it('checks names with the graph parser and for duplicates', () => {
    expect(checkName('conv_2', 'Conv2D', new Set(['conv_1']))).toBeNull();
    expect(checkName('conv_1', 'Conv2D', new Set(['conv_1']))).toMatch(/already called/);
    expect(checkName('2conv', 'Conv2D', new Set())).toMatch(/^name must be/);
  });
  it('describes ranges', () => {
    expect(rangeText(def('filters'))).toBe('[1, 65536]');
    expect(rangeText({ name: 'r', label: 'r', kind: 'float', help: '', min: 0, max: 1, maxExclusive: true })).toBe('[0, 1)');
  });
});
