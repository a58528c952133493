/**
 * What the visuals need to know about the live run's network, worked out once per run: the
 * Input and output nodes, the class names, and every node's shapes and tensor shapes (from the
 * graph that is training, not the canvas, which may have changed since).
 */
import { useMemo } from 'react';
import type { Graph } from '../../../engine/graph/types';
import { inferShapes, type NodeShapeInfo, type ShapeReport } from '../../../engine/shapes/inferShapes';
import { useTraining, type LiveRun } from '../../training/store';

export interface RunInfo {
  runId: string;
  /** The run's name as the Train tab shows it. */
  name: string;
  graph: Graph;
  report: ShapeReport;
  inputId: string | null;
  /** The Softmax or Regression node. */
  outputId: string | null;
  classifier: boolean;
  /** Class names once the worker said (ready event); null for regression or before ready. */
  classes: string[] | null;
  /** Nodes in the order data flows. */
  order: NodeShapeInfo[];
  /** Validation samples `infer(n)` can take, once known. */
  valCount: number | null;
  /** Whether the worker still answers (it stays up after a run ends, until the next one). */
  status: LiveRun['status'];
}

/**
 * A layer whose `weight` is a bank of image filters [out, in, kh, kw] (its spec's own tensor
 * shapes say so, not its type name): its kernels can be drawn as pictures.
 */
export const hasImageKernels = (n: Pick<NodeShapeInfo, 'paramShapes'>): boolean => n.paramShapes.weight?.length === 4;

export function runInfoOf(live: LiveRun): RunInfo {
  const report = inferShapes(live.graph);
  const input = report.nodes.find((n) => n.type === 'Input') ?? null;
  const output = report.nodes.find((n) => n.spec?.output) ?? null;
  const ds = live.dataset;
  return {
    runId: live.id,
    name: live.name,
    graph: live.graph,
    report,
    inputId: input?.id ?? null,
    outputId: output?.id ?? null,
    classifier: output?.spec?.output?.targets === 'class',
    classes: ds?.classes ?? null,
    order: report.nodes,
    valCount: ds ? (ds.valCount > 0 ? ds.valCount : ds.trainCount) : null,
    status: live.status,
  };
}

/** The live run's info, or null when there is none; recomputed only when the run or its dataset changes. */
export function useRunInfo(): RunInfo | null {
  const live = useTraining((s) => s.live);
  const id = live?.id;
  const graph = live?.graph;
  const dataset = live?.dataset;
  const status = live?.status;
  const name = live?.name;
  // the live object changes with every step; only these parts matter
  return useMemo(() => (live ? runInfoOf(live) : null), [id, graph, dataset, status, name]);
}

/** Names for a node's vector output: the classes for the output layer (its index past the data's classes), none otherwise. */
export function outputLabels(info: RunInfo, nodeId: string, length: number): string[] | null {
  if (nodeId !== info.outputId || !info.classes) return null;
  return Array.from({ length }, (_, i) => info.classes![i] ?? `${i} (unused)`);
}

/** A class index as its name ("7" when the data has no names). */
export function className(info: RunInfo | null, index: number): string {
  return info?.classes?.[index] ?? String(index);
}
