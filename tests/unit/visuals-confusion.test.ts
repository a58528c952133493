/** Confusion-matrix arithmetic for the evaluation view. */
import { describe, expect, it } from 'vitest';
import { argmax, classReport, confusionFrom, normaliseRows, summarise } from '../../src/engine/visuals/confusion';

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

  it('scores each class: precision by column, recall by row, F1, and macro / weighted means (scikit-learn’s definitions)', () => {
    const r = classReport(counts);
    // class 0: 8 of the 9 predicted 0 are 0 (precision 8/9), 8 of its 10 found (recall 0.8)
    expect(r.perClass[0].precision).toBeCloseTo(8 / 9, 12);
    expect(r.perClass[0].recall).toBeCloseTo(0.8, 12);
    expect(r.perClass[0].f1).toBeCloseTo((2 * (8 / 9) * 0.8) / (8 / 9 + 0.8), 12);
    expect(r.perClass[1]).toMatchObject({ precision: 0.6, recall: 0.75, support: 4 });
    expect(r.perClass[1].f1).toBeCloseTo((2 * 0.6 * 0.75) / 1.35, 12);
    // a class never present and never predicted has no scores (not zero)
    expect(r.perClass[2]).toEqual({ precision: null, recall: null, f1: null, support: 0 });
    expect(r.macro.precision).toBeCloseTo((8 / 9 + 0.6) / 2, 12);
    expect(r.macro.recall).toBeCloseTo((0.8 + 0.75) / 2, 12);
    expect(r.weighted.recall).toBeCloseTo(11 / 14, 12); // weighted recall is accuracy
    expect(r.perClass.reduce((a, c) => a + c.support, 0)).toBe(14);
    // predicted but never right: precision 0, recall 0, F1 0
    expect(classReport([[0, 1], [1, 0]]).perClass[0]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
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
