/**
 * Writing a weights file in either form, as a sequence of byte chunks so no whole-file string or
 * buffer ever exists (a VGG-16's 138 M values would be ~1.5 GB of JSON text, beyond what a V8
 * string holds):
 *
 * - `binary` (version 2, safetensors layout, weights-binary.ts): any size; the chunks are views
 *   of the tensors themselves.
 * - `json` (version 1, readable text): up to WEIGHTS_JSON_MAX_VALUES values, because reading
 *   JSON back needs the whole text in one string; written a slice of numbers at a time.
 *
 * Which one is chosen by the file's name: `.json` gets JSON, anything else (`.safetensors` is the
 * suggested name) binary. Host-free: the CLI writes the chunks to a file, the browser build
 * makes a Blob of them.
 */
import type { Graph } from '../graph/types';
import type { Preprocessing } from '../data/preprocessing';
import type { ShapeReport } from '../shapes/inferShapes';
import type { WeightMap } from '../shapes/tensor-slots';
import { FormatError } from './errors';
import { GENERATED_BY } from './header';
import { checkFinite, floatDataToJson } from './tensor';
import { encodeWeightsBinary, WEIGHTS_BINARY_VERSION } from './weights-binary';
import { checkWeightsFit, WEIGHTS_FORMAT, WEIGHTS_VERSION, type Metrics } from './weights';

export type WeightsFormat = 'json' | 'binary';

/** 16.7 M values: ~200 MB of JSON text, well inside a V8 string (2^29 characters) when read back. */
export const WEIGHTS_JSON_MAX_VALUES = 2 ** 24;

export const BINARY_WEIGHTS_EXTENSION = '.safetensors';

export interface WeightsExtras {
  graph?: Graph;
  metrics?: Metrics;
  preprocessing?: Preprocessing | null;
}

/** `.json` → the JSON form; any other name → binary. */
export function weightsFormatFor(name: string): WeightsFormat {
  return /\.json$/i.test(name) ? 'json' : 'binary';
}

/** The name to suggest for these weights: JSON while it fits, `.safetensors` beyond. */
export function suggestedWeightsName(stem: string, values: number): string {
  return values <= WEIGHTS_JSON_MAX_VALUES ? `${stem}.weights.json` : `${stem}${BINARY_WEIGHTS_EXTENSION}`;
}

/** Why `values` weights cannot be written to `name`, or null when they can. */
export function weightsSizeProblem(name: string, values: number): string | null {
  if (weightsFormatFor(name) !== 'json' || values <= WEIGHTS_JSON_MAX_VALUES) return null;
  const stem = name.replace(/(\.weights)?\.json$/i, '');
  return (
    `${values.toLocaleString('en-US')} weights are more than a weights JSON file holds (${WEIGHTS_JSON_MAX_VALUES.toLocaleString('en-US')}: ` +
    `its text could not be read back in one piece); name the file ${stem}${BINARY_WEIGHTS_EXTENSION} to write binary weights of any size`
  );
}

const CHUNK_VALUES = 1 << 16;

function* jsonChunks(envelope: Record<string, unknown>, tensors: { key: string; shape: readonly number[]; data: Float32Array }[]): Generator<Uint8Array> {
  const enc = new TextEncoder();
  const head = JSON.stringify(envelope);
  yield enc.encode(`${head.slice(0, -1)},"tensors":{`);
  for (let t = 0; t < tensors.length; t++) {
    const { key, shape, data } = tensors[t];
    yield enc.encode(`${t ? ',' : ''}${JSON.stringify(key)}:{"shape":${JSON.stringify(shape)},"data":[`);
    for (let i = 0; i < data.length; i += CHUNK_VALUES) {
      const part = floatDataToJson(data.subarray(i, i + CHUNK_VALUES), key).join(',');
      yield enc.encode(i ? `,${part}` : part);
    }
    yield enc.encode(']}');
  }
  yield enc.encode('}}');
}

/**
 * The weights file as chunks, after every check (so a file written is a file that loads): the
 * weights fill the graph exactly, every value is finite, and JSON is not asked for more than it
 * holds. The checks run now; the chunks are made as they are consumed.
 */
export function encodeWeightsFile(report: ShapeReport, weights: WeightMap, extras: WeightsExtras, format: WeightsFormat): Iterable<Uint8Array> {
  const slots = checkWeightsFit(report, weights);
  const values = slots.reduce((n, s) => n + s.size, 0);
  if (format === 'json' && values > WEIGHTS_JSON_MAX_VALUES) {
    throw new FormatError(`${values.toLocaleString('en-US')} weights are more than a weights JSON file holds (${WEIGHTS_JSON_MAX_VALUES.toLocaleString('en-US')}); write binary weights (${BINARY_WEIGHTS_EXTENSION}) instead`);
  }
  const tensors = slots.map((s) => ({ key: s.key, shape: s.shape, data: weights[s.key] }));
  for (const t of tensors) checkFinite(t.data, t.key);
  const envelope: Record<string, unknown> = {
    format: WEIGHTS_FORMAT,
    version: format === 'json' ? WEIGHTS_VERSION : WEIGHTS_BINARY_VERSION,
    generatedBy: GENERATED_BY,
  };
  for (const [k, v] of Object.entries(extras)) if (v !== undefined && v !== null) envelope[k] = v;
  return format === 'json' ? jsonChunks(envelope, tensors) : encodeWeightsBinary(envelope, tensors);
}
