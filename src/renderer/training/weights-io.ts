/**
 * Trained weights in and out: the weights JSON of docs/formats.md (tensors by
 * `<node>.<name>` with shape and data, plus the graph and the run's metrics), and reading one
 * back against the graph on the canvas with the engine's matchWeights (a mismatch names the
 * tensor and both shapes).
 */
import type { Preprocessing } from '../../engine/data/preprocessing';
import { FormatError } from '../../engine/io/errors';
import { JsonTextError, parseJsonText } from '../../engine/io/json-text';
import { matchWeights, parseWeightsFile, weightsToJson, type Metrics, type WeightsJson } from '../../engine/io/weights';
import { inferShapes } from '../../engine/shapes/inferShapes';
import type { Graph } from '../../engine/graph/types';
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import type { WeightTensors } from '../platform/training';
import type { LiveRun } from './store';

/** What a weights file says about the run that made it. */
export function runMetrics(live: LiveRun): Metrics {
  const f = live.final;
  return {
    run: live.name,
    dataset: live.dataset?.name ?? null,
    backend: live.backend,
    epochs: f?.epoch ?? 0,
    steps: live.progress.globalStep,
    trainLoss: f?.trainLoss ?? null,
    trainAccuracy: f?.trainAccuracy ?? null,
    valLoss: f?.valLoss ?? null,
    valAccuracy: f?.valAccuracy ?? null,
  };
}

/** The run's weights as a file, with the preprocessing its inputs got (so inference and exports apply it too). */
export function weightsFileFor(graph: Graph, weights: WeightTensors, metrics: Metrics, preprocessing: Preprocessing | null = null): WeightsJson {
  return weightsToJson(inferShapes(graph), weights, { graph, metrics, preprocessing });
}

/** Parse a weights file's text and fit it to the graph; errors name the file and the tensor. */
export function readWeightsFor(report: ShapeReport, fileName: string, text: string): { json: WeightsJson; tensors: WeightTensors } {
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (e) {
    if (e instanceof JsonTextError) throw new Error(e.kind === 'syntax' ? `${fileName} is ${e.message}` : `${fileName}: ${e.message}`);
    throw e;
  }
  try {
    const file = parseWeightsFile(raw);
    const tensors = matchWeights(report, file);
    return { json: raw as WeightsJson, tensors };
  } catch (e) {
    if (e instanceof FormatError) throw new Error(`${fileName}: ${e.message}`);
    throw e;
  }
}

/** The project's embedded weights as tensors for this graph, or the reason they do not fit. */
export function embeddedWeights(report: ShapeReport, json: WeightsJson | null): { tensors: WeightTensors | null; problem: string | null } {
  if (!json) return { tensors: null, problem: null };
  try {
    return { tensors: matchWeights(report, parseWeightsFile(json)), problem: null };
  } catch (e) {
    return { tensors: null, problem: e instanceof Error ? e.message : String(e) };
  }
}
