import { describe, expect, it } from 'vitest';
import { winogradMatrices } from '../../src/engine/layers/winograd';
import { winogradFits, WINOGRAD_MIN_CHANNELS } from '../../src/engine/layers/winograd-conv';
import type { ConvGeometry } from '../../src/engine/layers/conv-codegen';
import { Rng } from '../../src/engine/util/rng';

/** 1-D correlation through the transforms: Aᵀ[(G g) ⊙ (Bᵀ d)]. */
function viaTransforms(m: number, r: number, g: number[], d: number[]): number[] {
  const W = winogradMatrices(m, r);
  const Gg = W.G.map((row) => row.reduce((s, c, k) => s + c * g[k], 0));
  const Bd = W.BT.map((row) => row.reduce((s, c, l) => s + c * d[l], 0));
  return W.AT.map((row) => row.reduce((s, c, j) => s + c * Gg[j] * Bd[j], 0));
}

describe('Winograd transforms', () => {
  it.each([
    [2, 2],
    [2, 3],
    [2, 4],
    [2, 5],
    [4, 3],
  ])('F(%i, %i) computes the correlation of random vectors', (m, r) => {
    const rng = new Rng(m * 10 + r);
    for (let trial = 0; trial < 20; trial++) {
      const g = Array.from({ length: r }, () => rng.normal());
      const d = Array.from({ length: m + r - 1 }, () => rng.normal());
      const want = Array.from({ length: m }, (_, i) => g.reduce((s, gk, k) => s + gk * d[i + k], 0));
      const got = viaTransforms(m, r, g, d);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
    }
  });

  it('F(2, 3) has the textbook input transform (Lavin & Gray): 0/±1 entries', () => {
    const W = winogradMatrices(2, 3);
    expect(W.alpha).toBe(4);
    for (const row of W.BT) for (const v of row) expect([0, 1, -1]).toContain(v);
  });
});

describe('which convolutions run as Winograd (webasm)', () => {
  const geometry = (o: Partial<ConvGeometry>): ConvGeometry => ({ N: 2, C: 16, H: 8, W: 8, F: 16, KH: 3, KW: 3, OH: 6, OW: 6, SH: 1, SW: 1, PT: 0, PL: 0, ...o });
  it('stride 1, 2–5 taps a side, enough channels: yes, with whole-tile extents', () => {
    const fit = winogradFits(geometry({}))!;
    expect(fit).not.toBeNull();
    // 3×3 runs as F(4×4, 3×3): 6 outputs → 2 tiles of 4 → 8 + 2 = 10 input rows
    expect(fit.forward).toEqual({ IH: 10, IW: 10 });
    // the data gradient's delta: 6 + 2·2 = 10 rows; 8 outputs → 2 tiles → 10
    expect(fit.data).toEqual({ IH: 10, IW: 10 });
    expect(winogradFits(geometry({ OH: 5, OW: 9, H: 7, W: 11 }))!.forward).toEqual({ IH: 10, IW: 14 });
    // 5×5 runs as F(2×2, 5×5): 5 outputs → 3 tiles of 2 → 6 + 4 = 10
    expect(winogradFits(geometry({ KH: 5, KW: 5, OH: 5, OW: 5, H: 9, W: 9 }))!.forward).toEqual({ IH: 10, IW: 10 });
  });
  it('no: strided, 1×1, 7×7, too few channels, or a buffer past 2^24', () => {
    expect(winogradFits(geometry({ SH: 2, OH: 3 }))).toBeNull();
    expect(winogradFits(geometry({ KH: 1, KW: 1, OH: 8, OW: 8 }))).toBeNull();
    expect(winogradFits(geometry({ KH: 7, KW: 7, OH: 2, OW: 2 }))).toBeNull();
    expect(winogradFits(geometry({ C: WINOGRAD_MIN_CHANNELS - 1 }))).toBeNull();
    expect(winogradFits(geometry({ F: WINOGRAD_MIN_CHANNELS - 1 }))).toBeNull();
    expect(winogradFits(geometry({ N: 64, C: 64, F: 64, H: 226, W: 226, OH: 224, OW: 224 }))).toBeNull();
  });
});
