/**
 * A rough training-memory estimate for the status bar, from the engine's shape report: what a
 * training step keeps resident at a given batch size. Deliberately simple and stated as such
 * in the UI ("≈"): weights, their gradients and two optimizer slots (Adam's worst case), plus
 * every layer's output and its gradient for the whole batch, all float32.
 */
import { size } from '../../engine/layers/spec';
import type { ShapeReport } from '../../engine/shapes/inferShapes';

export const OPTIMIZER_SLOTS = 2;
const BYTES = 4;

export interface MemoryEstimate {
  parameters: number;
  activations: number;
  total: number;
}

export function estimateTrainingMemory(report: ShapeReport, batch: number): MemoryEstimate {
  const parameters = report.totals.params * BYTES * (2 + OPTIMIZER_SLOTS);
  let perSample = 0;
  for (const n of report.nodes) if (n.outputShape) perSample += size(n.outputShape);
  const activations = perSample * batch * BYTES * 2;
  return { parameters, activations, total: parameters + activations };
}
