/**
 * What every export target reads: the graph in topological order, each node with its resolved
 * parameters, the sources of its input ports, its shapes and its tensors (PyTorch layouts, as in
 * the weights file). Built once from a graph and a weights file; the targets never re-derive
 * shapes or look at edges themselves.
 */
import type { Preprocessing } from '../../data/preprocessing';
import type { Graph, Shape } from '../../graph/types';
import { windowGeometry } from '../../layers/geometry';
import type { Padding } from '../../layers/params';
import { inferShapes, type ShapeReport } from '../../shapes/inferShapes';
import { tensorSlots, type WeightMap } from '../../train/weights';
import { matchWeights, type WeightsFile } from '../weights';

export const EXPORT_FORMATS = ['pytorch', 'onnx', 'tfjs', 'keras'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface PlanTensor {
  name: string;
  shape: number[];
  data: Float32Array;
  trainable: boolean;
}

export interface PlanNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  /** Source node of each input port, in port order. */
  inputs: string[];
  inShapes: Shape[];
  outShape: Shape;
  /** Tensors by PyTorch name (`weight`, `bias`, `running_mean`, …). */
  tensors: Record<string, PlanTensor>;
}

export interface ExportPlan {
  /** Topological order; the first is the Input. */
  nodes: PlanNode[];
  input: PlanNode;
  /** The output layer (Softmax / Regression), else the last node — what `convas infer` prints. */
  output: PlanNode;
  report: ShapeReport;
  graph: Graph;
  /** The same tensors by key `<nodeId>.<name>`, as Convas's inference takes them. */
  weights: WeightMap;
  /** How training turned raw data into inputs; every export applies or declares it. Null: none recorded. */
  preprocessing: Preprocessing | null;
}

/** An export that cannot go on: names the node (when one is at fault) and the target. */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly node: string | null = null,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

export function exportPlan(graph: Graph, weights: Pick<WeightsFile, 'tensors'> & { preprocessing?: Preprocessing | null }): ExportPlan {
  const report = inferShapes(graph);
  if (!report.ok) throw new ExportError(`the graph has errors: ${report.errors.map((e) => e.message).join('; ')}`);
  const inputs = report.nodes.filter((n) => n.type === 'Input');
  if (inputs.length !== 1) throw new ExportError(`export needs exactly one Input node, found ${inputs.length}`);
  const map = matchWeights(report, weights);
  const slots = tensorSlots(report);
  const nodes: PlanNode[] = report.nodes.map((n) => {
    const tensors: Record<string, PlanTensor> = {};
    for (const s of slots.filter((s) => s.node === n.id)) tensors[s.name] = { name: s.name, shape: s.shape, data: map[s.key], trainable: s.trainable };
    return { id: n.id, type: n.type, params: n.params!, inputs: report.structure!.inputsOf.get(n.id) ?? [], inShapes: n.inShapes, outShape: n.outputShape!, tensors };
  });
  const input = nodes.find((n) => n.type === 'Input')!;
  const outInfo = report.nodes.find((n) => n.spec?.output) ?? report.nodes[report.nodes.length - 1];
  const output = nodes.find((n) => n.id === outInfo.id)!;
  const preprocessing = weights.preprocessing ?? null;
  if (preprocessing && preprocessing.inputShape.join('×') !== input.outShape.join('×')) {
    throw new ExportError(`the weights' preprocessing record is for inputs ${preprocessing.inputShape.join('×')}, the Input ${input.id} takes ${input.outShape.join('×')}`, input.id);
  }
  return { nodes, input, output, report, graph, weights: map, preprocessing };
}

export interface Pads {
  /** top, left, bottom, right — ONNX's order is [top, left, bottom, right]. */
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** The zero padding a window layer applies on each side, as the engine's geometry computes it. */
export function windowPads(node: PlanNode, kernel: readonly [number, number], stride: readonly [number, number], padding: Padding): Pads {
  const [, H, W] = node.inShapes[0];
  const g = windowGeometry(node.id, H, W, kernel, stride, padding, 'padding');
  const bottom = Math.max((g.oh - 1) * stride[0] + kernel[0] - H - g.pt, 0);
  const right = Math.max((g.ow - 1) * stride[1] + kernel[1] - W - g.pl, 0);
  return { top: g.pt, left: g.pl, bottom, right };
}

/** NCHW per-sample shape → NHWC (channels-last targets); vectors stay as they are. */
export function channelsLast(shape: readonly number[]): number[] {
  return shape.length === 3 ? [shape[1], shape[2], shape[0]] : [...shape];
}
