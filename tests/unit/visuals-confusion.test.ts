/** Confusion-matrix arithmetic for the evaluation view. */
import { describe, expect, it } from 'vitest';
import { argmax, confusionFrom, normaliseRows, summarise } from '../../src/engine/visuals/confusion';

describe('confusion matrix', () => {
  const counts = [
    [8, 2, 0],
    [1, 3, 0],
    [0, 0, 0],
  ];

  it('normalises each true-class row by its total; an empty row stays zero', () => {
    expect(normaliseRows(counts)).toEqual([
      [0.8, 0.2, 0],
      [0.25, 0.75, 0],
      [0, 0, 0],
    ]);
  });

  it('summarises accuracy and per-class recall', () => {
    const s = summarise(counts);
    expect(s.total).toBe(14);
    expect(s.correct).toBe(11);
    expect(s.accuracy).toBeCloseTo(11 / 14, 12);
    expect(s.perClass).toEqual([
      { count: 10, recall: 0.8 },
      { count: 4, recall: 0.75 },
      { count: 0, recall: null },
    ]);
  });

  it('builds counts from labels and refuses labels outside the classes', () => {
    expect(confusionFrom([0, 0, 1, 2], [0, 1, 1, 1], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    expect(() => confusionFrom([0, 3], [0, 0], 3)).toThrow('sample 1 has label 3 and prediction 0, outside 0…2');
  });

  it('argmax takes the first of equal maxima, as the worker’s metrics do', () => {
    expect(argmax([0.1, 0.4, 0.4, 0.1])).toBe(1);
  });
});
