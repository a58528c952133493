import { describe, expect, it } from 'vitest';
import { Softmax } from '../../src/engine/layers/softmax';
import type { Handle } from '../../src/engine/layers/spec';
import { TEST_BACKENDS, deviceFor } from '../helpers/backends';
import { layerSuite } from '../helpers/layer-suite';

// The suite runs Softmax through `loss` (targets are class indices) and finite-differences the loss.
layerSuite('Softmax', [
  { type: 'Softmax', params: {}, inShapes: [[10]], batch: 4 },
  { type: 'Softmax', params: {}, inShapes: [[3]], batch: 3 },
  { type: 'Softmax', params: {}, inShapes: [[2]], batch: 1 },
  // 41 and 47 classes: divisors whose f32 quotient SwiftShader gets wrong (decode must be exact)
  { type: 'Softmax', params: {}, inShapes: [[41]], batch: 4 },
  { type: 'Softmax', params: {}, inShapes: [[47]], batch: 3 },
]);

/** Loss and correct count of one batch, straight from the layer's program. */
async function lossAndCorrect(backend: (typeof TEST_BACKENDS)[number], logits: number[], targets: number[]): Promise<{ loss: number; correct: number; probs: Float32Array }> {
  const device = await deviceFor(backend);
  const N = targets.length;
  const F = logits.length / N;
  const program = Softmax.compile({ nodeId: 'out', batch: N, inShapes: [[F]], outShape: [F], kernel: (fn, n, c) => device.kernel(fn, n, c) }, {});
  const plan = device.plan(2, (...a: unknown[]) => {
    const [x, t] = a as Handle[];
    const output = program.forward({ inputs: [x], params: {}, state: {}, random: {}, training: true }).output;
    const l = program.loss!({ input: x, output, targets: t });
    return [l.loss, l.correct!, output];
  });
  try {
    const [loss, correct, probs] = await plan(Float32Array.from(logits), Float32Array.from(targets));
    return { loss: loss[0], correct: correct[0], probs: probs.slice() };
  } finally {
    plan.destroy();
  }
}

describe('Softmax loss details', () => {
  for (const backend of TEST_BACKENDS) {
    it(`${backend}: counts argmax == target`, async () => {
      // argmaxes 2, 0, 1, 0 (tie between 0 and 2: the first wins, as torch.argmax)
      const logits = [0.1, 0.2, 0.9, 3, -1, 2, -5, -4, -4.5, 1, 0, 1];
      const r = await lossAndCorrect(backend, logits, [2, 1, 1, 0]);
      expect(r.correct).toBe(3);
    });

    it(`${backend}: stays finite for logits of ±1000`, async () => {
      const logits = [1000, 0, -1000, -1000, 1000, 999];
      const r = await lossAndCorrect(backend, logits, [0, 2]);
      // sample 0: log-softmax of the target is 0; sample 1: −(999 − 1000 − log(1 + e^−1))
      const expected = (0 + (1 + Math.log(1 + Math.exp(-1)))) / 2;
      expect(Math.abs(r.loss - expected)).toBeLessThan(1e-4);
      expect(r.correct).toBe(1);
      expect(Array.from(r.probs).every(Number.isFinite)).toBe(true);
      expect(r.probs[0]).toBeCloseTo(1, 6);
      expect(r.probs[5]).toBeCloseTo(Math.exp(-1) / (1 + Math.exp(-1)), 5);
    });
  }
});
