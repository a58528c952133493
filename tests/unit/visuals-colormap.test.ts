/** Colour scales: where values land, the exact colours, the labels on a colour bar. */
import { describe, expect, it } from 'vitest';
import { autoScale, colorAt, colorOf, cssGradient, formatValue, paint, paintRgb, position, scaleFor, ticks } from '../../src/renderer/visuals/colormap';

describe('scales', () => {
  it('diverging is symmetric about 0 whatever the range', () => {
    expect(scaleFor('diverging', { min: -2, max: 5 })).toEqual({ map: 'diverging', lo: -5, hi: 5 });
    expect(scaleFor('diverging', { min: 1, max: 3 })).toEqual({ map: 'diverging', lo: -3, hi: 3 });
  });

  it('grey spans the values’ own range', () => {
    expect(scaleFor('grey', { min: 0.2, max: 0.8 })).toEqual({ map: 'grey', lo: 0.2, hi: 0.8 });
  });

  it('autoScale: diverging when anything is negative, else grey from 0 to the largest value', () => {
    expect(autoScale({ min: -0.1, max: 3 })).toEqual({ map: 'diverging', lo: -3, hi: 3 });
    expect(autoScale({ min: 0.2, max: 0.9 })).toEqual({ map: 'grey', lo: 0, hi: 0.9 });
  });

  it('non-finite ranges (no values) become an empty scale at 0', () => {
    expect(scaleFor('grey', { min: NaN, max: NaN })).toEqual({ map: 'grey', lo: 0, hi: 0 });
  });

  it('positions clamp to 0…1; an empty scale puts 0 in the middle (diverging) or at the bottom (grey)', () => {
    const s = scaleFor('diverging', { min: -4, max: 4 });
    expect([position(s, -4), position(s, 0), position(s, 2), position(s, 9)]).toEqual([0, 0.5, 0.75, 1]);
    expect(position({ map: 'diverging', lo: 0, hi: 0 }, 0)).toBe(0.5);
    expect(position({ map: 'grey', lo: 0, hi: 0 }, 0)).toBe(0);
  });
});

describe('colours', () => {
  it('grey maps 0…1 to 0…255 exactly, so k/255 is drawn as k', () => {
    const s = { map: 'grey' as const, lo: 0, hi: 1 };
    for (const k of [0, 1, 76, 128, 254, 255]) expect(colorOf(s, Math.fround(k / 255))).toEqual([k, k, k]);
  });

  it('diverging: blue at the bottom, neutral at 0, red at the top, interpolated between stops', () => {
    expect(colorAt('diverging', 0)).toEqual([33, 102, 172]);
    expect(colorAt('diverging', 0.5)).toEqual([247, 247, 247]);
    expect(colorAt('diverging', 1)).toEqual([178, 24, 43]);
    // halfway between stop 7 [214, 96, 77] and stop 8 [178, 24, 43]
    expect(colorAt('diverging', 15 / 16)).toEqual([196, 60, 60]);
  });

  it('blues runs pale to deep blue (the confusion matrix)', () => {
    expect(colorAt('blues', 0)).toEqual([247, 251, 255]);
    expect(colorAt('blues', 1)).toEqual([8, 48, 107]);
    expect(colorOf({ map: 'blues', lo: 0, hi: 1 }, 0.5)).toEqual([107, 174, 214]);
  });

  it('paintRgb stretches all three channels by one range', () => {
    // range −1…1: −1 → 0, 0 → 128 (127.5 rounds up), 1 → 255
    expect([...paintRgb([-1, 1], [0, 0], [1, -1], -1, 1)]).toEqual([0, 128, 255, 255, 255, 128, 0, 255]);
    expect([...paintRgb([5], [5], [5], 5, 5)]).toEqual([0, 0, 0, 255]);
  });

  it('paint writes opaque RGBA and marks NaN magenta', () => {
    const px = paint([0, 1, NaN], { map: 'grey', lo: 0, hi: 1 });
    expect([...px]).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 255, 255]);
  });

  it('the CSS gradient runs through the same colours', () => {
    const g = cssGradient('diverging');
    expect(g.startsWith('linear-gradient(to right, rgb(33 102 172) 0.0%')).toBe(true);
    expect(g.endsWith('rgb(178 24 43) 100.0%)')).toBe(true);
  });
});

describe('labels', () => {
  it('three significant digits, exponent for tiny and huge values, a real minus sign', () => {
    expect([formatValue(0), formatValue(1.23456), formatValue(-0.5), formatValue(123456), formatValue(-0.00012), formatValue(4)]).toEqual(['0', '1.23', '−0.5', '1.23e+5', '−1.2e−4', '4']);
  });

  it('a diverging bar is labelled at both ends and 0; grey at both ends', () => {
    expect(ticks({ map: 'diverging', lo: -2, hi: 2 }).map((t) => [t.label, t.at])).toEqual([
      ['−2', 0],
      ['0', 0.5],
      ['2', 1],
    ]);
    expect(ticks({ map: 'grey', lo: 0, hi: 0.5 }).map((t) => t.label)).toEqual(['0', '0.5']);
    expect(ticks({ map: 'grey', lo: 3, hi: 3 }).map((t) => t.label)).toEqual(['3']);
  });
});
