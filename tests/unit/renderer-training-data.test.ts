/**
 * The training dashboard's pure parts: the browser's in-memory data readers (IDX, CIFAR-10,
 * decoded images) with their error messages, the fit check against a graph, curve columns
 * (truncate at a checkpoint, thin for storage) and the chart's joined series.
 */
import { describe, expect, it } from 'vitest';
import { openMemoryData, type MemoryFile } from '../../src/engine/data/memory';
import { parseGraph } from '../../src/engine/graph/validate';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import type { Curves, DataPreview } from '../../src/renderer/platform/training';
import { chartData, hasMetric } from '../../src/renderer/training/chart-data';
import { downsampleCurves, emptyCurves, truncateCurves } from '../../src/renderer/training/curves-data';
import { DISPLAY_POINTS, displayCurves, ThinnedCurves } from '../../src/renderer/training/thin-curves';
import { fitProblems, fitWarnings, networkProblem, shapesClassesFor, withShapesOptions } from '../../src/renderer/training/data-choice';

function idx(dims: number[], data: Uint8Array, magic = 0x800 | dims.length): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint32(0, magic);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(head.byteLength + data.length);
  out.set(new Uint8Array(head.buffer));
  out.set(data, head.byteLength);
  return out;
}

function mnistFiles(n: number, side = 4): MemoryFile[] {
  const images = (count: number) => idx([count, side, side], Uint8Array.from({ length: count * side * side }, (_, i) => (i * 7) % 256));
  const labels = (count: number) => idx([count], Uint8Array.from({ length: count }, (_, i) => i % 10));
  return [
    { name: 'mnist/train-images-idx3-ubyte', bytes: images(n) },
    { name: 'mnist/train-labels-idx1-ubyte', bytes: labels(n) },
    { name: 'mnist/t10k-images-idx3-ubyte', bytes: images(3) },
    { name: 'mnist/t10k-labels-idx1-ubyte', bytes: labels(3) },
  ];
}

describe('in-memory data (browser build)', () => {
  it('reads MNIST IDX files from bytes: counts, shape, classes, pixels in [0, 1]', async () => {
    const d = openMemoryData({ format: null, label: 'mnist', files: mnistFiles(5) }, { inputShape: [1, 4, 4] });
    expect(d.name).toBe('MNIST (mnist)');
    expect([d.train.length, d.test!.length]).toEqual([5, 3]);
    expect(d.inputShape).toEqual([1, 4, 4]);
    expect(d.classes).toHaveLength(10);
    const r = await d.train.read(1, 2);
    expect(r.y).toEqual(Float32Array.from([1, 2]));
    expect(r.x[0]).toBeCloseTo(((16 * 7) % 256) / 255, 6);
  });

  it('names the file and the numbers when IDX data is wrong', () => {
    const files = mnistFiles(5);
    files[0] = { name: files[0].name, bytes: files[0].bytes.subarray(0, 40) };
    expect(() => openMemoryData({ format: 'idx', label: 'mnist', files })).toThrow('mnist/train-images-idx3-ubyte: truncated: 5×4×4 images need 80 bytes after the header, the file has 24');
    const bad = mnistFiles(5);
    bad[1] = { name: bad[1].name, bytes: idx([5], Uint8Array.from([0, 1, 2, 3, 12])) };
    expect(() => openMemoryData({ format: 'idx', label: 'mnist', files: bad })).toThrow('label 12 of sample 4 is outside 0–9');
    expect(() => openMemoryData({ format: 'idx', label: 'mnist', files: mnistFiles(5).slice(0, 3) })).toThrow(/missing t10k-labels-idx1-ubyte/);
    expect(() => openMemoryData({ format: null, label: 'mnist', files: mnistFiles(5) }, { inputShape: [1, 28, 28] })).toThrow("the graph's Input is 1×28×28, but MNIST (mnist) has samples of 1×4×4");
  });

  it('reads CIFAR-10 batches from bytes, class names from batches.meta.txt', async () => {
    const record = (label: number, fill: number) => Uint8Array.from({ length: 3073 }, (_, i) => (i === 0 ? label : fill));
    const batch = (...r: Uint8Array[]) => {
      const out = new Uint8Array(r.length * 3073);
      r.forEach((x, i) => out.set(x, i * 3073));
      return out;
    };
    const names = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const files: MemoryFile[] = [
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: batch(record(3, 51), record(4, 102)) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: batch(record(9, 255)) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: new TextEncoder().encode(names) },
    ];
    const d = openMemoryData({ format: null, label: 'cifar', files });
    expect([d.train.length, d.test!.length, d.classes![3]]).toEqual([2, 1, 'd']);
    const r = await d.train.read(1, 1);
    expect(r.y[0]).toBe(4);
    expect(r.x[3071]).toBeCloseTo(0.4, 6);
    files[0] = { name: files[0].name, bytes: files[0].bytes.subarray(1) };
    expect(() => openMemoryData({ format: 'cifar10', label: 'cifar', files })).toThrow('cifar-10-batches-bin/data_batch_1.bin: truncated or not a CIFAR-10 batch: 6145 bytes is not a whole number of 3073-byte records');
  });

  it('takes images the page decoded, and says when no reader fits the files', async () => {
    const d = openMemoryData({
      format: 'image-folder',
      label: 'pets',
      images: { inputShape: [1, 2, 2], classes: ['cat', 'dog'], train: { x: Uint8Array.from([0, 255, 0, 255, 255, 255, 255, 255]), y: Uint8Array.from([0, 1]) }, test: null },
    });
    expect(d.name).toBe('Images (pets)');
    expect((await d.train.read(0, 2)).x).toEqual(Float32Array.from([0, 1, 0, 1, 1, 1, 1, 1]));
    expect(() => openMemoryData({ format: null, label: 'stuff', files: [{ name: 'stuff/readme.txt', bytes: new Uint8Array(3) }] })).toThrow(/stuff: no dataset found/);
  });
});

const cnn = (classes: number) =>
  inferShapes(
    parseGraph({
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [1, 8, 8] } },
        { id: 'flat', type: 'Flatten', params: {} },
        { id: 'fc', type: 'Dense', params: { units: classes } },
        { id: 'softmax', type: 'Softmax', params: {} },
      ],
      edges: [
        { from: 'input', to: 'flat', port: 0 },
        { from: 'flat', to: 'fc', port: 0 },
        { from: 'fc', to: 'softmax', port: 0 },
      ],
    }),
  );

const preview = (p: Partial<DataPreview>): DataPreview => ({ name: 'Data', trainCount: 10, testCount: null, inputShape: [1, 8, 8], classes: ['a', 'b', 'c'], targetShape: [], samples: [], ...p });

describe('fit check before training', () => {
  it('passes data that fits, and names the Input, the output layer and the numbers when it does not', () => {
    expect(fitProblems(preview({}), cnn(3))).toEqual([]);
    expect(fitProblems(preview({ inputShape: [3, 32, 32], name: 'CIFAR-10' }), cnn(3))).toEqual(["The network's Input (input) is 1×8×8, but CIFAR-10 has samples of 3×32×32."]);
    expect(fitProblems(preview({ classes: Array.from({ length: 10 }, String), name: 'MNIST' }), cnn(6))).toEqual(['softmax has 6 outputs but MNIST has 10 classes: give the last Dense layer 10 units.']);
    expect(fitProblems(preview({ classes: null, targetShape: [4], name: 'Kernel fit' }), cnn(3))[0]).toMatch(/^Kernel fit has target images, not classes: softmax \(Softmax\) needs class labels/);
  });

  it('warns when the data has fewer classes than the Softmax has outputs (any data), and stays quiet when they match', () => {
    expect(fitWarnings(preview({ classes: ['circle', 'square', 'triangle', 'cross', 'ring', 'star'], name: 'Shapes (grey 8×8, 6 classes)' }), cnn(10))).toEqual([
      'Shapes (grey 8×8, 6 classes) has 6 classes but softmax (Softmax) has 10 outputs: 4 outputs will never be a target.',
    ]);
    expect(fitWarnings(preview({ classes: ['cat', 'dog'], name: 'pets' }), cnn(3))).toEqual(['pets has 2 classes but softmax (Softmax) has 3 outputs: 1 output will never be a target.']);
    // a warning, not a problem: it can still train
    expect(fitProblems(preview({ classes: ['cat', 'dog'] }), cnn(3))).toEqual([]);
    expect(fitWarnings(preview({}), cnn(3))).toEqual([]);
    // more classes than outputs is an error, said once (as a problem)
    expect(fitWarnings(preview({ classes: Array.from({ length: 10 }, String) }), cnn(6))).toEqual([]);
    // a regression has no classes to count
    expect(fitWarnings(preview({ classes: null, targetShape: [4] }), cnn(3))).toEqual([]);
  });

  it('matches the Shapes class count to the Softmax outputs from 2 to 10', () => {
    expect(shapesClassesFor(cnn(10))).toBe(10);
    expect(shapesClassesFor(cnn(2))).toBe(2);
    expect(shapesClassesFor(cnn(1))).toBeUndefined();
    expect(shapesClassesFor(cnn(12))).toBeUndefined();
    const shapes = { kind: 'builtin' as const, ref: { kind: 'shapes' as const } };
    const o = { shapesSamples: 600, shapesTestSamples: 100 };
    expect(withShapesOptions(shapes, { ...o, classes: shapesClassesFor(cnn(10)) })).toEqual({ kind: 'builtin', ref: { kind: 'shapes', samples: 600, testSamples: 100, classes: 10 } });
    expect(withShapesOptions(shapes, { ...o, classes: shapesClassesFor(cnn(12)) })).toEqual({ kind: 'builtin', ref: { kind: 'shapes', samples: 600, testSamples: 100 } });
    // a choice that names its classes keeps them; other data is left alone
    expect(withShapesOptions({ kind: 'builtin', ref: { kind: 'shapes', classes: ['star', 'heart'] } }, { ...o, classes: 10 })).toMatchObject({ ref: { classes: ['star', 'heart'] } });
    expect(withShapesOptions({ kind: 'builtin', ref: { kind: 'kernel-fit' } }, { ...o, classes: 10 })).toEqual({ kind: 'builtin', ref: { kind: 'kernel-fit' } });
  });

  it('says why a network cannot train at all', () => {
    expect(networkProblem(inferShapes(parseGraph({ nodes: [], edges: [] })))).toBe('The canvas is empty: add layers or open a preset.');
    expect(networkProblem(inferShapes(parseGraph({ nodes: [{ id: 'input', type: 'Input', params: { shape: [4] } }], edges: [] })))).toMatch(/needs an output layer/);
    expect(networkProblem(cnn(3))).toBeNull();
  });
});

function curves(steps: number, perEpoch: number): Curves {
  const c = emptyCurves();
  for (let g = 1; g <= steps; g++) {
    const epoch = Math.ceil(g / perEpoch);
    c.step.globalStep.push(g);
    c.step.at.push(epoch - 1 + (g - (epoch - 1) * perEpoch) / perEpoch);
    c.step.loss.push(1 / g);
    c.step.accuracy.push(g % 2 ? 0.5 : null);
    if (g % perEpoch === 0) c.epoch.push({ epoch, trainLoss: 1 / g, trainAccuracy: 0.5, valLoss: 2 / g, valAccuracy: 0.4, seconds: 1, samplesPerSec: 10 });
  }
  return c;
}

describe('curves', () => {
  it('cut back to a checkpoint: the steps up to it and the epochs finished by then', () => {
    const t = truncateCurves(curves(10, 4), 6);
    expect(t.step.globalStep).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.step.loss).toHaveLength(6);
    expect(t.epoch.map((p) => p.epoch)).toEqual([1]);
  });

  it('thin a long run to bucket means, keeping the last step', () => {
    const c = curves(1000, 100);
    const d = downsampleCurves(c, 100);
    expect(d.step.globalStep).toHaveLength(100);
    expect(d.step.globalStep.at(-1)).toBe(1000);
    // bucket 0 holds steps 1..10: the mean of 1/g over them
    expect(d.step.loss[0]).toBeCloseTo([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].reduce((a, g) => a + 1 / g, 0) / 10, 12);
    expect(d.step.accuracy[0]).toBe(0.5);
    expect(d.epoch).toHaveLength(10);
    expect(downsampleCurves(c, 5000).step.globalStep).toHaveLength(1000);
  });

  it('join runs on one x axis in epochs, training per step or per epoch and validation per epoch', () => {
    const a = { id: 'a', name: 'A', color: '#f00', curves: curves(4, 2) };
    const b = { id: 'b', name: 'B', color: '#0f0', curves: curves(2, 2) };
    const one = chartData([a], 'loss', 'step');
    expect(one.x).toEqual([0.5, 1, 1.5, 2]);
    expect(one.series.map((s) => [s.label, s.kind])).toEqual([
      ['train', 'train-step'],
      ['validation', 'val-epoch'],
    ]);
    expect(one.series[1].values).toEqual([null, 1, null, 0.5]);
    const both = chartData([a, b], 'accuracy', 'epoch');
    expect(both.x).toEqual([1, 2]);
    expect(both.series.map((s) => s.label)).toEqual(['A train', 'A validation', 'B train', 'B validation']);
    expect(chartData([{ ...a, name: '#12 LeNet-5 · Shapes' }, b], 'loss', 'step').series[0].label).toBe('#12 train');
    expect(both.series[3].values).toEqual([0.4, null]);
    expect(hasMetric([a], 'accuracy')).toBe(true);
    const regression = { ...a, curves: { ...emptyCurves(), step: { globalStep: [1], at: [1], loss: [0.1], accuracy: [null] } } };
    expect(hasMetric([regression], 'accuracy')).toBe(false);
  });

  it('draw no accuracy for a run that has none: a regression overlaid on a classifier adds loss series only', () => {
    const classifier = { id: 'a', name: '#1 CNN', color: '#f00', curves: curves(4, 2) };
    const c = emptyCurves();
    for (let g = 1; g <= 4; g++) {
      c.step.globalStep.push(g);
      c.step.at.push(g / 2);
      c.step.loss.push(1 / g);
      c.step.accuracy.push(null);
      if (g % 2 === 0) c.epoch.push({ epoch: g / 2, trainLoss: 1 / g, trainAccuracy: null, valLoss: 1 / g, valAccuracy: null, seconds: 1, samplesPerSec: 1 });
    }
    const regression = { id: 'b', name: '#2 Kernel fit', color: '#0f0', curves: c };
    for (const scale of ['step', 'epoch'] as const) {
      expect(chartData([classifier, regression], 'accuracy', scale).series.map((s) => s.label)).toEqual(['#1 train', '#1 validation']);
      expect(chartData([regression], 'accuracy', scale).series).toEqual([]);
      expect(chartData([classifier, regression], 'loss', scale).series.map((s) => s.label)).toEqual(['#1 train', '#1 validation', '#2 train', '#2 validation']);
    }
  });
});

/** Curves appended one point at a time, as the store does: `perEpoch` steps per epoch, accuracy or none. */
function grow(c: Curves, from: number, to: number, perEpoch: number, accuracy: boolean): void {
  for (let g = from; g <= to; g++) {
    const epoch = Math.ceil(g / perEpoch);
    c.step.globalStep.push(g);
    c.step.at.push(epoch - 1 + (g - (epoch - 1) * perEpoch) / perEpoch);
    c.step.loss.push(1 + Math.sin(g));
    c.step.accuracy.push(accuracy ? (g % 4) / 4 : null);
    if (g % perEpoch === 0) c.epoch.push({ epoch, trainLoss: 1 / epoch, trainAccuracy: accuracy ? 0.5 : null, valLoss: g % 3 ? 2 / epoch : null, valAccuracy: null, seconds: epoch, samplesPerSec: 10 });
  }
}

describe('curves thinned for drawing', () => {
  it('draws short curves as they are', () => {
    const c = emptyCurves();
    grow(c, 1, 500, 5, true);
    const d = new ThinnedCurves().sync(c);
    expect(d.step).toEqual(c.step);
    expect(d.epoch).toEqual(c.epoch);
  });

  it('keeps a long run between DISPLAY_POINTS and twice that, bucket means at each bucket’s last x, the last point last', () => {
    const c = emptyCurves();
    grow(c, 1, 100_000, 1, false);
    const d = new ThinnedCurves().sync(c);
    for (const series of [d.step.globalStep, d.step.loss, d.step.accuracy, d.epoch]) {
      expect(series.length).toBeGreaterThanOrEqual(DISPLAY_POINTS);
      expect(series.length).toBeLessThanOrEqual(2 * DISPLAY_POINTS);
    }
    expect(d.step.globalStep.at(-1)).toBe(100_000);
    expect(d.epoch.at(-1)!.epoch).toBe(100_000);
    expect(d.epoch.at(-1)!.seconds).toBe(100_000);
    // buckets of 64 steps by now: the first is the mean of steps 1..64
    const width = d.step.globalStep[0];
    expect(width).toBe(64);
    let sum = 0;
    for (let g = 1; g <= width; g++) sum += 1 + Math.sin(g);
    expect(d.step.loss[0]).toBeCloseTo(sum / width, 12);
    // a regression stays without accuracy (no 0 %), and an epoch bucket without validation stays null
    expect(d.step.accuracy.every((a) => a === null)).toBe(true);
    expect(d.epoch.every((p) => p.valAccuracy === null && p.trainAccuracy === null)).toBe(true);
    expect(d.epoch.some((p) => p.valLoss === null)).toBe(false);
  });

  it('gives the same curve point by point as all at once, and starts again when the curves are cut back', () => {
    const live = emptyCurves();
    const t = new ThinnedCurves();
    for (let g = 1; g <= 30_000; g += 997) {
      grow(live, g, Math.min(30_000, g + 996), 3, true);
      t.sync(live);
    }
    const once = new ThinnedCurves().sync(live);
    expect(t.sync(live)).toEqual(once);
    // a resumed run's curves cut back to its checkpoint (a new, shorter object or the same one shortened)
    const cut = truncateCurves(live, 600);
    expect(t.sync(cut)).toEqual(new ThinnedCurves().sync(cut));
    expect(t.sync(cut).step.globalStep).toHaveLength(600);
  });

  it('keeps one thinned copy per curves object', () => {
    const c = emptyCurves();
    grow(c, 1, 5000, 1, true);
    const a = displayCurves(c);
    grow(c, 5001, 5010, 1, true);
    const b = displayCurves(c);
    expect(b).toBe(a);
    expect(b.step.globalStep.at(-1)).toBe(5010);
    expect(displayCurves(emptyCurves())).not.toBe(a);
  });
});
