import { describe, expect, it } from 'vitest';
import { GraphError } from '../../src/engine/graph/errors';
import { Dropout } from '../../src/engine/layers/dropout';
import { resolveParams } from '../../src/engine/layers/params';
import { layerRunner } from '../../src/engine/train/layer-harness';
import { deviceFor } from '../helpers/backends';
import { layerSuite } from '../helpers/layer-suite';

// The suite draws `random.mask` from its seeded generator and hands the same draws to PyTorch.
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

  it('keeps where the draw is ≥ rate, scaled by 1/(1 − rate), and masks the gradient the same way', async () => {
    const device = await deviceFor('cpu');
    const runner = layerRunner(device, 'Dropout', { rate: 0.25 }, [[4]], 1, true);
    try {
      const r = await runner.run({
        inputs: [Float32Array.from([1, 2, 3, 4])],
        random: { mask: Float32Array.from([0.1, 0.25, 0.9, 0.2499]) },
        gradOutput: Float32Array.from([1, 1, 1, 1]),
      });
      expect(Array.from(r.output)).toEqual([0, 2 / 0.75, 3 / 0.75, 0].map(Math.fround));
      expect(Array.from(r.inputGrads[0]!)).toEqual([0, 1 / 0.75, 1 / 0.75, 0].map(Math.fround));
    } finally {
      runner.destroy();
    }
  });
});
