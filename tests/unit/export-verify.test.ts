/** The export check's arithmetic: the bar scales with the outputs, NaN never passes, lengths must agree. */
import { describe, expect, it } from 'vitest';
import { describeVerification, maxAbsDiff, verification } from '../../src/engine/io/export/verify';

describe('export verification', () => {
  it('passes within 1e-4 of probabilities and fails beyond, saying so', () => {
    const ok = verification('rt', 'outputs', [0.5, 0.25], [0.50005, 0.25]);
    expect(ok.ok).toBe(true);
    expect(describeVerification(ok)).toMatch(/^verified with rt: outputs, largest difference from Convas 5\.00e-5 \(allowed 1\.00e-4\)$/);
    const bad = verification('rt', 'outputs', [0.5, 0.25], [0.5003, 0.25]);
    expect(bad.ok).toBe(false);
    expect(describeVerification(bad)).toMatch(/^VERIFICATION FAILED with rt/);
  });

  it('scales the bar with large outputs (1e-4 relative above 1)', () => {
    expect(verification('rt', 'x', [1000.05], [1000]).ok).toBe(true);
    expect(verification('rt', 'x', [1000.2], [1000]).ok).toBe(false);
  });

  it('NaN on either side is never a match; lengths must agree', () => {
    expect(maxAbsDiff([NaN, 1], [0, 1])).toBe(Infinity);
    expect(verification('rt', 'x', [0, 1], [0, NaN]).ok).toBe(false);
    expect(() => maxAbsDiff([1, 2], [1])).toThrow(/gave 2 values, Convas 1/);
  });
});
