/**
 * A network's tensors by name — `<nodeId>.<name>` as in the weights JSON and a PyTorch
 * state_dict — with their expected shapes, read from the shape report. Shape-side and gpu-free:
 * file formats (io/) check weights against it without loading training code.
 */
import { size } from '../layers/spec';
import type { ShapeReport } from './inferShapes';

export type WeightMap = Record<string, Float32Array>;

export interface TensorSlot {
  key: string;
  node: string;
  name: string;
  shape: number[];
  size: number;
  trainable: boolean;
  /** The smallest value allowed (from the layer's `stateMinimum`), and what the tensor is. */
  minimum?: { min: number; what: string };
}

/**
 * Values a layer rules out (a negative running variance), as one problem per tensor naming its
 * first bad index; NaN counts as out of range. Empty when every tensor is within its minimum.
 */
export function valueProblems(slots: readonly TensorSlot[], weights: WeightMap): { key: string; text: string }[] {
  const problems: { key: string; text: string }[] = [];
  for (const s of slots) {
    const t = weights[s.key];
    if (!s.minimum || !t) continue;
    const { min, what } = s.minimum;
    for (let i = 0; i < t.length; i++) {
      if (!(t[i] >= min)) {
        problems.push({ key: s.key, text: `${s.key}[${i}] is ${t[i]}: ${what} cannot be ${Number.isNaN(t[i]) ? 'NaN' : `below ${min}`}` });
        break;
      }
    }
  }
  return problems;
}

/** Every tensor of the network in a stable order: topological, then as each layer declares them. */
export function tensorSlots(report: ShapeReport): TensorSlot[] {
  const slots: TensorSlot[] = [];
  for (const n of report.nodes) {
    for (const [name, shape] of Object.entries(n.paramShapes)) {
      slots.push({ key: `${n.id}.${name}`, node: n.id, name, shape, size: size(shape), trainable: true });
    }
    for (const [name, shape] of Object.entries(n.stateShapes)) {
      const minimum = n.spec?.stateMinimum?.[name];
      slots.push({ key: `${n.id}.${name}`, node: n.id, name, shape, size: size(shape), trainable: false, ...(minimum ? { minimum } : {}) });
    }
  }
  return slots;
}
