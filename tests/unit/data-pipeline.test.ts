import { describe, expect, it } from 'vitest';
import { DataPipeline } from '../../src/engine/data/pipeline';
import { memorySource, type Dataset } from '../../src/engine/data/types';

/** n samples of C×H×W where every pixel of sample i equals i (so a batch shows its samples). */
function numbered(n: number, shape = [1, 2, 2], test = 0): Dataset {
  const size = shape.reduce((a, b) => a * b, 1);
  const make = (count: number, base: number) => {
    const x = new Float32Array(count * size);
    for (let i = 0; i < count; i++) x.fill(base + i, i * size, (i + 1) * size);
    return memorySource(x, Float32Array.from({ length: count }, (_, i) => (base + i) % 3), size, 1);
  };
  return { name: 'numbered', inputShape: shape, classes: ['a', 'b', 'c'], targetShape: [], train: make(n, 0), test: test ? make(test, 10_000) : null };
}

async function ids(p: DataPipeline, epoch: number, from = 0): Promise<number[]> {
  const out: number[] = [];
  for await (const b of p.trainBatches(epoch, from)) for (let s = 0; s < b.count; s++) out.push(b.x[s * p.inSize]);
  return out;
}

describe('DataPipeline', () => {
  it('holds out an exact seeded fraction when the data has no test split', async () => {
    const p = await DataPipeline.create(numbered(100), { batch: 10, seed: 3, valFraction: 0.2, normalize: 'unit' });
    expect([p.trainCount, p.valCount, p.stepsPerEpoch]).toEqual([80, 20, 8]);
    const train = await ids(p, 0);
    const val: number[] = [];
    for await (const b of p.valBatches()) for (let s = 0; s < b.count; s++) val.push(b.x[s * p.inSize]);
    expect(new Set([...train, ...val]).size).toBe(100);
    const again = await DataPipeline.create(numbered(100), { batch: 10, seed: 3, valFraction: 0.2, normalize: 'unit' });
    expect(await ids(again, 0)).toEqual(train);
    const other = await DataPipeline.create(numbered(100), { batch: 10, seed: 4, valFraction: 0.2, normalize: 'unit' });
    expect(await ids(other, 0)).not.toEqual(train);
  });

  it('validates on the test split when there is one, padding the last batch', async () => {
    const p = await DataPipeline.create(numbered(30, [1, 2, 2], 7), { batch: 4, seed: 1, normalize: 'unit' });
    expect([p.trainCount, p.valCount]).toEqual([30, 7]);
    const batches = [];
    for await (const b of p.valBatches()) batches.push(b);
    expect(batches.map((b) => b.count)).toEqual([4, 3]);
    expect(Array.from(batches[1].x.subarray(0, 4))).toEqual([10_004, 10_004, 10_004, 10_004]);
    expect(Array.from(batches[1].x.subarray(12))).toEqual([0, 0, 0, 0]);
  });

  it('shuffles every epoch differently, each sample once, dropping only the last partial batch', async () => {
    const p = await DataPipeline.create(numbered(50), { batch: 8, seed: 1, valFraction: 0, normalize: 'unit' });
    const e0 = await ids(p, 0);
    const e1 = await ids(p, 1);
    expect(e0).toHaveLength(48);
    expect(new Set(e0).size).toBe(48);
    expect(e1).not.toEqual(e0);
    expect(e0).not.toEqual([...e0].sort((a, b) => a - b));
  });

  it('resumes mid-epoch with exactly the batches an uninterrupted epoch has', async () => {
    const p = await DataPipeline.create(numbered(64), { batch: 8, seed: 5, valFraction: 0, normalize: 'unit', augment: { cropPadding: 1, flip: true } });
    const full: Float32Array[] = [];
    for await (const b of p.trainBatches(2)) full.push(b.x);
    const tail: Float32Array[] = [];
    for await (const b of p.trainBatches(2, 5)) tail.push(b.x);
    expect(tail).toEqual(full.slice(5));
  });

  it('streams in chunks: memory stays at two windows of chunks, and the epoch still covers every sample', async () => {
    const p = await DataPipeline.create(numbered(5000), { batch: 50, seed: 2, valFraction: 0, normalize: 'unit', chunkSamples: 100, chunksPerWindow: 3 });
    const seen = await ids(p, 0);
    expect(new Set(seen).size).toBe(5000);
    expect(p.peakChunks).toBeLessThanOrEqual(6);
    // the default chunk follows the memory budget: 2 windows × 8 chunks × 100 samples of 16 + 1 floats
    const budgeted = await DataPipeline.create(numbered(5000, [1, 4, 4]), { batch: 50, seed: 2, valFraction: 0, normalize: 'unit', memoryBudget: 64 * 25 * 68 });
    await ids(budgeted, 0);
    expect(budgeted.peakChunks).toBeLessThanOrEqual(16);
    // not one chunk after another: within a window the samples are mixed
    expect(new Set(seen.slice(0, 50).map((v) => Math.floor(v / 100))).size).toBeGreaterThan(1);
  });

  it('normalises each channel to zero mean and unit variance over the training split', async () => {
    const n = 40;
    const x = new Float32Array(n * 2 * 4);
    for (let i = 0; i < n; i++) {
      x.fill(i, i * 8, i * 8 + 4); // channel 0: mean 19.5
      x.fill(100 + 2 * i, i * 8 + 4, i * 8 + 8); // channel 1: mean 139
    }
    const d: Dataset = { name: 't', inputShape: [2, 2, 2], classes: ['a', 'b'], targetShape: [], train: memorySource(x, new Float32Array(n), 8, 1), test: null };
    const p = await DataPipeline.create(d, { batch: 40, seed: 1, valFraction: 0, normalize: 'standardize' });
    expect(p.normalization!.mean[0]).toBeCloseTo(19.5, 6);
    expect(p.normalization!.mean[1]).toBeCloseTo(139, 6);
    expect(p.normalization!.std[1]).toBeCloseTo(2 * p.normalization!.std[0], 6);
    for await (const b of p.trainBatches(0)) {
      for (const c of [0, 1]) {
        const v = Array.from({ length: n }, (_, s) => b.x[s * 8 + c * 4]);
        const mean = v.reduce((a, q) => a + q, 0) / n;
        const varr = v.reduce((a, q) => a + (q - mean) ** 2, 0) / n;
        expect(mean).toBeCloseTo(0, 5);
        expect(varr).toBeCloseTo(1, 5);
      }
    }
  });

  it("keeps the stored order with shuffle off, and scales back to bytes with normalize 'none'", async () => {
    const d = { ...numbered(20), rawScale: 255 };
    const p = await DataPipeline.create(d, { batch: 5, seed: 1, valFraction: 0, shuffle: false, normalize: 'none' });
    expect(await ids(p, 3)).toEqual(Array.from({ length: 20 }, (_, i) => i * 255));
  });

  it('augments with seeded crops and flips that move content without changing its values', async () => {
    const size = 4;
    const img = Float32Array.from({ length: size * size }, (_, i) => i + 1);
    const x = new Float32Array(16 * img.length);
    for (let s = 0; s < 16; s++) x.set(img, s * img.length);
    const d: Dataset = { name: 't', inputShape: [1, size, size], classes: ['a', 'b'], targetShape: [], train: memorySource(x, new Float32Array(16), 16, 1), test: null };
    const flipOnly = await DataPipeline.create(d, { batch: 16, seed: 9, valFraction: 0, normalize: 'unit', augment: { flip: true } });
    const mirrored = Float32Array.from({ length: 16 }, (_, i) => img[Math.floor(i / 4) * 4 + 3 - (i % 4)]);
    let flips = 0;
    for await (const b of flipOnly.trainBatches(0)) {
      for (let s = 0; s < 16; s++) {
        const got = b.x.subarray(s * 16, (s + 1) * 16);
        if (got.every((v, i) => v === mirrored[i])) flips++;
        else expect(got).toEqual(img);
      }
    }
    expect(flips).toBeGreaterThan(2);
    expect(flips).toBeLessThan(14);
    const crop = await DataPipeline.create(d, { batch: 16, seed: 9, valFraction: 0, normalize: 'unit', augment: { cropPadding: 1 } });
    for await (const b of crop.trainBatches(0)) {
      for (let s = 0; s < 16; s++) {
        const got = b.x.subarray(s * 16, (s + 1) * 16);
        const kept = Array.from(got).filter((v) => v !== 0);
        // a shift by at most one pixel keeps at least a 3×3 block of the original
        expect(kept.length).toBeGreaterThanOrEqual(9);
        kept.forEach((v) => expect(img).toContain(v));
      }
    }
  });

  it('refuses a batch larger than the training split, and augmentation of regression data', async () => {
    await expect(DataPipeline.create(numbered(10), { batch: 20, seed: 1, valFraction: 0 })).rejects.toThrow(/training split has 10 samples, fewer than one batch of 20/);
    const reg: Dataset = { name: 'reg', inputShape: [1, 2, 2], classes: null, targetShape: [4], train: memorySource(new Float32Array(16), new Float32Array(16), 4, 4), test: null };
    await expect(DataPipeline.create(reg, { batch: 2, seed: 1, augment: { flip: true } })).rejects.toThrow(/only for classifiers/);
  });
});
