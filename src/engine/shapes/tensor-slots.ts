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
}

/** Every tensor of the network in a stable order: topological, then as each layer declares them. */
export function tensorSlots(report: ShapeReport): TensorSlot[] {
  const slots: TensorSlot[] = [];
  for (const n of report.nodes) {
    for (const [name, shape] of Object.entries(n.paramShapes)) {
      slots.push({ key: `${n.id}.${name}`, node: n.id, name, shape, size: size(shape), trainable: true });
    }
    for (const [name, shape] of Object.entries(n.stateShapes)) {
      slots.push({ key: `${n.id}.${name}`, node: n.id, name, shape, size: size(shape), trainable: false });
    }
  }
  return slots;
}
