/** Tensor JSON and the float handling shared with the weights file. */
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/engine/io/errors';
import { parseTensor, shortestFloat32, tensorToJson } from '../../src/engine/io/tensor';
import { Rng } from '../../src/engine/util/rng';

describe('Tensor JSON', () => {
  it('reads shape and flat data as float32', () => {
    const t = parseTensor({ shape: [2, 1, 2, 2], data: [0, 1, 2, 3, 4, 5, 6, 0.1] });
    expect(t.shape).toEqual([2, 1, 2, 2]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data[7]).toBe(Math.fround(0.1));
  });

  it.each([
    [{ shape: [2, 2], data: [1, 2, 3] }, 'input.json: data has 3 values, the shape needs 4'],
    [{ shape: [2, 0], data: [] }, 'input.json: shape[1] must be a whole number ≥ 1, got 0'],
    [{ shape: [], data: [] }, 'input.json: shape must be a non-empty list of sizes, got []'],
    [{ shape: [1.5], data: [1] }, 'input.json: shape[0] must be a whole number ≥ 1, got 1.5'],
    [{ shape: [2], data: [1, 'x'] }, 'input.json: data[1] is "x", not a finite number'],
    [{ shape: [2], data: [1, null] }, 'input.json: data[1] is null, not a finite number'],
    [{ shape: [1], data: [JSON.parse('1e999')] }, 'input.json: data[0] is Infinity, not a finite number'],
    [{ shape: [1], data: [1e39] }, 'input.json: data[0] = 1e+39 is beyond the float32 range'],
    [{ shape: [2], data: [[1, 2]] }, 'input.json: data has 1 values, the shape needs 2'],
    [{ shape: [1], data: [1], dtype: 'f32' }, 'input.json: unknown field "dtype"'],
    [{ shape: [65536, 65536, 2] }, 'input.json: shape 65536×65536×2 has 8589934592 elements, more than a tensor can hold'],
    ['x', 'input.json: expected an object { "shape": [...], "data": [...] }, got "x"'],
  ])('refuses %j', (raw, message) => {
    let error: unknown;
    try {
      parseTensor(raw, 'input.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toBe(message);
  });

  it('writes the fewest digits that read back exactly', () => {
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(shortestFloat32(0)).toBe(0);
    const r = new Rng(7);
    const data = new Float32Array(20_000);
    for (let i = 0; i < data.length; i++) data[i] = (r.normal() * 10) ** 3 * (i % 2 ? 1e-20 : 1);
    const json = tensorToJson({ shape: [data.length], data });
    const back = parseTensor(JSON.parse(JSON.stringify(json)));
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('refuses to write what JSON cannot hold', () => {
    expect(() => tensorToJson({ shape: [2], data: Float32Array.from([1, NaN]) }, 'out')).toThrow('out: data[1] is NaN; JSON can only store finite numbers');
    expect(() => tensorToJson({ shape: [3], data: new Float32Array(2) }, 'out')).toThrow('out: shape 3 needs 3 values, got 2');
  });
});
