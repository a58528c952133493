/**
 * Fresh weights for a network: the initializers. (Which tensors a network has is shape-side:
 * shapes/tensor-slots.ts; re-exported here for the training code.)
 */
import type { InitializerName } from '../io/settings';
import type { ShapeReport } from '../shapes/inferShapes';
import { tensorSlots, type WeightMap } from '../shapes/tensor-slots';
import { Rng } from '../util/rng';

export { tensorSlots, type TensorSlot, type WeightMap } from '../shapes/tensor-slots';
export { INITIALIZERS, type InitializerName } from '../io/settings';

/** PyTorch's fan computation: fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field. */
function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/**
 * Fresh weights: weights by the chosen initializer (Xavier/Glorot uniform, MSRA/He normal,
 * normal σ = 0.01, or zeros), biases zero, layer-specific rules (BatchNorm γ = 1, running
 * variance = 1) where the layer has them. Seeded: the same seed gives the same weights.
 */
export function initWeights(report: ShapeReport, initializer: InitializerName = 'msra', seed = 1): WeightMap {
  const rng = new Rng(seed);
  const out: WeightMap = {};
  for (const slot of tensorSlots(report)) {
    const spec = report.byId.get(slot.node)!.spec!;
    const fixed = slot.trainable ? spec.initParam?.(slot.name, slot.size) : (spec.initState?.(slot.name, slot.size) ?? new Float32Array(slot.size));
    if (fixed) {
      out[slot.key] = fixed;
      continue;
    }
    const t = new Float32Array(slot.size);
    if (slot.name !== 'bias' && initializer !== 'zeros') {
      const { fanIn, fanOut } = fans(slot.shape);
      if (initializer === 'xavier') {
        const a = Math.sqrt(6 / (fanIn + fanOut));
        for (let i = 0; i < t.length; i++) t[i] = (2 * rng.random() - 1) * a;
      } else {
        const std = initializer === 'msra' ? Math.sqrt(2 / fanIn) : 0.01;
        for (let i = 0; i < t.length; i++) t[i] = rng.normal() * std;
      }
    }
    out[slot.key] = t;
  }
  return out;
}
