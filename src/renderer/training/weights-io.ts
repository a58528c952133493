/**
 * Trained weights in and out: the weights files of docs/formats.md (tensors by `<node>.<name>`
 * with shape and data, plus the graph and the run's metrics) — JSON for models that fit it,
 * binary `.safetensors` for any size — and reading either back against the graph on the canvas
 * with the engine's matchWeights (a mismatch names the tensor and both shapes).
 */
import type { Preprocessing } from '../../engine/data/preprocessing';
import { FormatError } from '../../engine/io/errors';
import { joinChunks } from '../../engine/io/bytes';
import { JsonTextError, parseJsonBytes, parseJsonText } from '../../engine/io/json-text';
import { matchWeights, parseWeightsFile, weightsToJson, WEIGHTS_VERSION, type Metrics, type WeightsJson } from '../../engine/io/weights';
import { decodeWeightsBinary, isWeightsBinary, WEIGHTS_BINARY_VERSION } from '../../engine/io/weights-binary';
import { encodeWeightsFile, suggestedWeightsName, weightsFormatFor } from '../../engine/io/weights-encode';
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

const countValues = (w: WeightTensors) => Object.values(w).reduce((n, t) => n + t.length, 0);

/**
 * Weights a project can embed: 3,000,000 values are at most 48 MB of JSON (16 characters for the
 * longest float32, `-1.23456789e-38,`), inside the 64 MB a project file may have (the desktop
 * app's save and open limit), with room for the graph and layout.
 */
export const PROJECT_WEIGHTS_MAX_VALUES = 3_000_000;

function checkEmbeddable(values: number, what: string): void {
  if (values <= PROJECT_WEIGHTS_MAX_VALUES) return;
  throw new Error(
    `${what}: ${values.toLocaleString('en-US')} weights are more than a project file can keep (${PROJECT_WEIGHTS_MAX_VALUES.toLocaleString('en-US')}); ` +
      'export them instead (Export… writes binary .safetensors weights of any size) and train from them with convas train --weights',
  );
}

/** The run's weights as a file, with the preprocessing its inputs got (so inference and exports apply it too). */
export function weightsFileFor(graph: Graph, weights: WeightTensors, metrics: Metrics, preprocessing: Preprocessing | null = null): WeightsJson {
  checkEmbeddable(countValues(weights), 'the trained weights');
  return weightsToJson(inferShapes(graph), weights, { graph, metrics, preprocessing });
}

/**
 * The run's weights as a file to export: weights JSON while it fits, binary `.safetensors`
 * (version 2) beyond, built from streamed chunks so no text of the whole file is ever made.
 */
export function weightsExportFor(
  stem: string,
  graph: Graph,
  weights: WeightTensors,
  metrics: Metrics,
  preprocessing: Preprocessing | null = null,
): { suggestedName: string; content: Uint8Array; mime: string; filter: { name: string; extensions: string[] } } {
  const suggestedName = suggestedWeightsName(stem, countValues(weights));
  const format = weightsFormatFor(suggestedName);
  const content = joinChunks(encodeWeightsFile(inferShapes(graph), weights, { graph, metrics, preprocessing }, format));
  return format === 'json'
    ? { suggestedName, content, mime: 'application/json', filter: { name: 'Convas weights', extensions: ['json'] } }
    : { suggestedName, content, mime: 'application/octet-stream', filter: { name: 'Convas weights (binary)', extensions: ['safetensors'] } };
}

/** A weights file's raw object from its text (JSON) or bytes (binary, or JSON as UTF-8). */
function rawWeights(fileName: string, content: string | Uint8Array): { raw: unknown; newest: number } {
  if (typeof content !== 'string' && isWeightsBinary(content)) return { raw: decodeWeightsBinary(content), newest: WEIGHTS_BINARY_VERSION };
  try {
    return { raw: typeof content === 'string' ? parseJsonText(content) : parseJsonBytes(content), newest: WEIGHTS_VERSION };
  } catch (e) {
    if (e instanceof JsonTextError) throw new Error(e.kind === 'syntax' ? `${fileName} is ${e.message}` : `${fileName}: ${e.message}`);
    throw e;
  }
}

/**
 * Read a weights file of either form and fit it to the graph; errors name the file and the
 * tensor. `json` is what the project embeds (binary weights are converted, up to what a project keeps).
 */
export function readWeightsFor(report: ShapeReport, fileName: string, content: string | Uint8Array): { json: WeightsJson; tensors: WeightTensors } {
  try {
    const { raw, newest } = rawWeights(fileName, content);
    const file = parseWeightsFile(raw, '', newest);
    const tensors = matchWeights(report, file);
    if (newest === WEIGHTS_VERSION) return { json: raw as WeightsJson, tensors };
    checkEmbeddable(countValues(tensors), fileName);
    const json = weightsToJson(report, tensors, { graph: file.graph ?? undefined, metrics: file.metrics ?? undefined, preprocessing: file.preprocessing });
    return { json, tensors };
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
