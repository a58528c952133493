import { describe, expect, it } from 'vitest';
import { counterUniform, counterUniforms, saltOf, stepCounter } from '../../src/engine/layers/counter-random';

const mean = (x: Float32Array) => x.reduce((s, v) => s + v, 0) / x.length;
function corr(x: Float32Array, y: Float32Array): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sx += (x[i] - mx) ** 2;
    sy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sx * sy);
}

describe('counter-based uniforms (device randomness)', () => {
  const n = 50_000;
  // with n draws, an uncorrelated pair's sample correlation has σ ≈ 1/√n ≈ 0.0045: allow 4σ
  const bound = 4 / Math.sqrt(n);

  it('are uniform in [0, 1) on a 2^-24 grid', () => {
    const u = counterUniforms(stepCounter(1234, 1), 'drop1', 'mask', n);
    expect(u.every((v) => v >= 0 && v < 1 && Number.isInteger(v * 2 ** 24))).toBe(true);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.01);
    const hist = new Array<number>(32).fill(0);
    for (const v of u) hist[Math.floor(v * 32)]++;
    const e = n / 32;
    // χ² with 31 degrees of freedom: the 99.9th percentile is 61.1
    expect(hist.reduce((s, h) => s + (h - e) ** 2 / e, 0)).toBeLessThan(61.1);
  });

  it('neighbouring elements, steps, seeds and layers are uncorrelated', () => {
    const a = counterUniforms(stepCounter(1234, 5), 'drop1', 'mask', n);
    expect(Math.abs(corr(a.subarray(0, n - 1), a.subarray(1)))).toBeLessThan(bound);
    expect(Math.abs(corr(a.subarray(0, n - 4096), a.subarray(4096)))).toBeLessThan(bound);
    for (const b of [
      counterUniforms(stepCounter(1234, 6), 'drop1', 'mask', n),
      counterUniforms(stepCounter(1234, 5 + 4096), 'drop1', 'mask', n),
      counterUniforms(stepCounter(1235, 5), 'drop1', 'mask', n),
      counterUniforms(stepCounter(1234, 5), 'drop2', 'mask', n),
    ]) {
      expect(Math.abs(corr(a, b))).toBeLessThan(bound);
    }
  });

  it('depend only on (seed, step, layer, element): the same call gives the same draw', () => {
    const c = stepCounter(77, 123_456);
    expect(Array.from(c)).toEqual([0, 77, 30, 576]);
    const salt = saltOf('dropout1', 'mask');
    expect(salt).toBeGreaterThanOrEqual(0);
    expect(salt).toBeLessThan(4096);
    expect(counterUniform(c, salt, 999)).toBe(counterUniform(Float32Array.from(c), salt, 999));
    expect(counterUniforms(c, 'dropout1', 'mask', 10)).toEqual(counterUniforms(c, 'dropout1', 'mask', 10));
  });
});
