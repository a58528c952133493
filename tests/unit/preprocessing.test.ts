/** The preprocessing record: its map, its schema, and its place in the weights file (old files still load). */
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, className, PreprocessingSchema, preprocessingFor, type Preprocessing } from '../../src/engine/data/preprocessing';
import { parseWeightsFile } from '../../src/engine/io/weights';

const rgb: Preprocessing = { layout: 'NCHW', inputShape: [3, 1, 2], inputUnits: 'pixel values in [0, 1]', normalize: 'standardize', mean: [0.5, 0, 1], std: [0.25, 2, 0.5] };

describe('applyPreprocessing', () => {
  it('maps each channel plane of each sample by (x − mean[c]) / std[c], leaving the input as it was', () => {
    const data = Float32Array.from([1, 0.5, 2, 4, 1, 1.5, /* sample 2 */ 0, 0.25, -2, 0, 0, 0]);
    const out = applyPreprocessing(rgb, { shape: [2, 3, 1, 2], data });
    expect(Array.from(out.data)).toEqual([2, 0, 1, 2, 0, 1, -2, -1, -1, 0, -2, -2]);
    expect(out.shape).toEqual([2, 3, 1, 2]);
    expect(data[0]).toBe(1);
  });

  it('treats a flat input as one channel', () => {
    const flat = preprocessingFor({ inputShape: [4] }, 'standardize', { mean: [1], std: [2] });
    expect(flat).toMatchObject({ layout: 'NF', mean: [1], std: [2], inputUnits: 'values as the dataset gives them' });
    expect(Array.from(applyPreprocessing(flat, { shape: [1, 4], data: Float32Array.from([1, 3, 5, -1]) }).data)).toEqual([0, 1, 2, -1]);
  });

  it('is the identity for a run without normalisation, and names both shapes when a batch does not fit', () => {
    const unit = preprocessingFor({ inputShape: [1, 2, 2], rawScale: 255 }, 'unit', null);
    expect(unit).toMatchObject({ mean: [0], std: [1], inputUnits: 'pixel values in [0, 1] (stored byte ÷ 255)' });
    expect(Array.from(applyPreprocessing(unit, { shape: [1, 1, 2, 2], data: Float32Array.from([0, 0.25, 0.5, 1]) }).data)).toEqual([0, 0.25, 0.5, 1]);
    expect(() => applyPreprocessing(rgb, { shape: [1, 3, 2, 2], data: new Float32Array(12) })).toThrow(/the batch is 1×3×2×2 \(12 values\), the record expects N×3×1×2/);
  });
});

describe('PreprocessingSchema', () => {
  it('refuses statistics that do not match the channels, a zero std, and a layout that does not fit the shape', () => {
    const issues = (p: unknown) => PreprocessingSchema.safeParse(p).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ ...rgb, mean: [0] })).toEqual(['mean: has 1 values; the input [3, 1, 2] has 3 channels']);
    expect(issues({ ...rgb, std: [1, 0, 1] })[0]).toMatch(/^std\.1: /);
    expect(issues({ ...rgb, layout: 'NF' })).toEqual(['layout: a C×H×W input shape has layout NCHW, not NF']);
    expect(issues(rgb)).toEqual([]);
  });
});

describe('class names in the record', () => {
  it('come from the data, in label order; regression data and records written before them have none', () => {
    const cifar = preprocessingFor({ inputShape: [3, 1, 2], rawScale: 255, classes: ['airplane', 'automobile', 'bird'] }, 'unit', null);
    expect(cifar.classes).toEqual(['airplane', 'automobile', 'bird']);
    expect(className(cifar, 1)).toBe('automobile');
    expect(className(cifar, 3)).toBeNull(); // an output the data has no class for
    expect(preprocessingFor({ inputShape: [4], classes: null }, 'unit', null)).not.toHaveProperty('classes');
    expect(className(rgb, 0)).toBeNull();
    expect(className(null, 0)).toBeNull();
    // digits name themselves: nothing to print beside the index
    expect(className(preprocessingFor({ inputShape: [4], classes: ['0', '1'] }, 'unit', null), 1)).toBeNull();
  });

  it('are optional and checked: old records load, empty names do not', () => {
    const issues = (p: unknown) => PreprocessingSchema.safeParse(p).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(issues(rgb)).toEqual([]);
    expect(issues({ ...rgb, classes: ['cat', 'dog'] })).toEqual([]);
    expect(issues({ ...rgb, classes: ['cat', ''] })).toEqual(['classes.1']);
    expect(issues({ ...rgb, classes: [] })).toEqual(['classes']);
  });
});

describe('weights file: preprocessing', () => {
  const file = { format: 'convas-weights', version: 1, tensors: { 'fc.weight': { shape: [1], data: [1] } } };
  it('is read when present, null in files written before it existed, and checked', () => {
    expect(parseWeightsFile(file).preprocessing).toBeNull();
    expect(parseWeightsFile({ ...file, preprocessing: rgb }).preprocessing).toEqual(rgb);
    expect(parseWeightsFile({ ...file, preprocessing: { ...rgb, classes: ['cat', 'dog'] } }).preprocessing?.classes).toEqual(['cat', 'dog']);
    expect(() => parseWeightsFile({ ...file, preprocessing: { ...rgb, std: [1, 1, -1] } })).toThrow(/preprocessing\.std/);
  });
});
