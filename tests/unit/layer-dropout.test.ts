import { describe, expect, it } from 'vitest';
import { GraphError } from '../../src/engine/graph/errors';
import { Dropout } from '../../src/engine/layers/dropout';
import { resolveParams } from '../../src/engine/layers/params';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { counterUniforms, stepCounter } from '../../src/engine/layers/counter-random';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { layerSuite } from '../helpers/layer-suite';

// The layer draws its mask on the device from a step counter; the suite computes the same draws in
// JavaScript (counterUniforms) and hands them to PyTorch.
layerSuite('Dropout', [
  { type: 'Dropout', params: { rate: 0.3 }, inShapes: [[3, 4, 4]], batch: 3 },
  { type: 'Dropout', params: { rate: 0.3 }, inShapes: [[20]], batch: 4 },
  { type: 'Dropout', params: { rate: 0 }, inShapes: [[2, 3, 3]], batch: 2 },
  { type: 'Dropout', params: {}, inShapes: [[12]], batch: 3, training: false },
]);

describe('Dropout rules', () => {
  it('draws one uniform per value of the batch', () => {
    expect(Dropout.randomInputs!([[3, 4, 5]], { rate: 0.5 }, 7)).toEqual({ mask: 7 * 60 });
  });

  it('refuses rate 1 (nothing kept, infinite scale) and names the field', () => {
    expect(() => resolveParams('drop1', Dropout.params, { rate: 1 })).toThrow(GraphError);
    expect(() => resolveParams('drop1', Dropout.params, { rate: 1 })).toThrow('drop1: rate must be < 1, got 1');
    expect(resolveParams('drop1', Dropout.params, { rate: 0.999 })).toEqual({ rate: 0.999 });
  });

  it('keeps where the device draw is ≥ rate, scaled by 1/(1 − rate), and masks the gradient the same way', async () => {
    const device = await deviceFor('cpu');
    const runner = layerRunner(device, 'Dropout', { rate: 0.25 }, [[64]], 1, true);
    try {
      const counter = stepCounter(42, 7);
      const x = Float32Array.from({ length: 64 }, (_, i) => i + 1);
      const r = await runner.run({ inputs: [x], counter, gradOutput: new Float32Array(64).fill(1) });
      const draws = counterUniforms(counter, 'Dropout', 'mask', 64);
      const kept = Array.from(draws, (u) => u >= Math.fround(0.25));
      expect(kept.some((k) => k) && kept.some((k) => !k)).toBe(true);
      expect(Array.from(r.output)).toEqual(Array.from(x, (v, i) => (kept[i] ? Math.fround(v / 0.75) : 0)));
      expect(Array.from(r.inputGrads[0]!)).toEqual(kept.map((k) => (k ? Math.fround(1 / 0.75) : 0)));
    } finally {
      runner.destroy();
    }
  });

  it('draws the same masks on every backend, different ones per step, the same again for the same step', async () => {
    const masks = async (backend: (typeof TEST_BACKENDS)[number], step: number) => {
      const runner = layerRunner(await deviceFor(backend), 'Dropout', { rate: 0.5 }, [[3, 8, 8]], 4, true);
      try {
        const r = await runner.run({ inputs: [new Float32Array(4 * 192).fill(1)], counter: stepCounter(9, step), gradOutput: new Float32Array(4 * 192) });
        return Array.from(r.output, (v) => (v === 0 ? 0 : 1));
      } finally {
        runner.destroy();
      }
    };
    const reference = Array.from(counterUniforms(stepCounter(9, 3), 'Dropout', 'mask', 4 * 192), (u) => (u >= 0.5 ? 1 : 0));
    for (const backend of TEST_BACKENDS) {
      const m3 = await masks(backend, 3);
      expect(m3, backend).toEqual(reference);
      expect(await masks(backend, 3), backend).toEqual(m3);
      const m4 = await masks(backend, 4);
      expect(m4.filter((v, i) => v !== m3[i]).length, `${backend}: step 4 vs step 3`).toBeGreaterThan(4 * 192 * 0.3);
    }
  });
});
