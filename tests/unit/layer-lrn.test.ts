import { describe, expect, it } from 'vitest';
import { LRN } from '../../src/engine/layers/lrn';
import { layerSuite } from '../helpers/layer-suite';

// With PyTorch's default alpha = 1e-4 the divisor is ≈ k; the cases with a large alpha make the
// cross-channel term of the gradient matter, so a wrong window would show.
layerSuite('LRN', [
  { type: 'LRN', params: { size: 3 }, inShapes: [[7, 3, 4]] },
  { type: 'LRN', params: { size: 5 }, inShapes: [[7, 2, 3]], batch: 3 },
  { type: 'LRN', params: { size: 3, alpha: 2, beta: 0.75, k: 1 }, inShapes: [[7, 3, 3]] },
  { type: 'LRN', params: { size: 5, alpha: 1.5, beta: 0.6, k: 2 }, inShapes: [[7, 2, 2]], batch: 3 },
  // an even size reaches one channel further below than above; a size beyond C pads with zeros
  { type: 'LRN', params: { size: 4, alpha: 1 }, inShapes: [[7, 1, 2]] },
  { type: 'LRN', params: { size: 9, alpha: 1, beta: 1 }, inShapes: [[7, 2, 1]] },
  // 41 and 189 positions per channel: divisors whose f32 quotient SwiftShader gets wrong (decode must be exact)
  { type: 'LRN', params: { size: 3, alpha: 1 }, inShapes: [[7, 1, 41]] },
  { type: 'LRN', params: { size: 5, alpha: 1 }, inShapes: [[3, 7, 27]] },
]);

describe('LRN shape rule', () => {
  it('needs an image C×H×W (PyTorch normalises across channels of ≥ 3-D input)', () => {
    expect(() => LRN.outputShape([[10]], { size: 5, alpha: 1e-4, beta: 0.75, k: 1 })).toThrow('LRN needs an image input C×H×W, got a vector of 10');
    expect(LRN.outputShape([[7, 3, 4]], { size: 5, alpha: 1e-4, beta: 0.75, k: 1 })).toEqual([7, 3, 4]);
  });
});
