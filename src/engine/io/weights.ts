/**
 * Weights JSON (`convas-weights`, version 1): named tensors as in a PyTorch state_dict —
 * `<nodeId>.<name>` → { shape, data } with PyTorch's layouts — optionally the graph they belong
 * to, free-form metrics and the preprocessing the training run applied to its inputs. Reading
 * checks the numbers; `matchWeights` checks the tensors
 * against a graph and names every missing, extra or mis-shaped one.
 */
import { z } from 'zod';
import { PreprocessingSchema, type Preprocessing } from '../data/preprocessing';
import { GraphError } from '../graph/errors';
import type { Graph } from '../graph/types';
import { parseGraph } from '../graph/validate';
import type { ShapeReport } from '../shapes/inferShapes';
import { tensorSlots, valueProblems, type TensorSlot, type WeightMap } from '../shapes/tensor-slots';
import { describeValue, FormatError } from './errors';
import { checkHeader, GENERATED_BY } from './header';
import { floatDataToJson, parseFloatData, parseShape, type Tensor } from './tensor';
import { parseWith } from './zod-issues';

export const WEIGHTS_FORMAT = 'convas-weights';
/** The JSON form; version 2 is the binary form (weights-binary.ts, WEIGHTS_BINARY_VERSION). */
export const WEIGHTS_VERSION = 1;

/** `<nodeId>.<name>`: a node id as the graph allows, a dot, a tensor name. */
const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_.]*$/;

export type Metrics = Record<string, z.core.util.JSONType>;

export interface WeightsFile {
  version: number;
  generatedBy: string | null;
  tensors: Record<string, Tensor>;
  graph: Graph | null;
  metrics: Metrics | null;
  /** How the training run turned raw data into inputs; null in files written before it was recorded. */
  preprocessing: Preprocessing | null;
}

/** The envelope; tensors are checked by hand below (a zod pass over a million numbers is slow). */
const WeightsSchema = z.strictObject({
  format: z.literal(WEIGHTS_FORMAT),
  version: z.number(),
  generatedBy: z.string().optional(),
  tensors: z.record(z.string(), z.unknown()),
  graph: z.unknown().optional(),
  metrics: z.record(z.string(), z.json()).optional(),
  preprocessing: PreprocessingSchema.optional(),
});

/** Wrap a graph problem so a loader throws only FormatErrors, keeping the node it names. */
export function graphField(raw: unknown, field: string): Graph {
  try {
    return parseGraph(raw);
  } catch (e) {
    if (e instanceof GraphError) {
      // parseGraph's own messages already start with "graph…"; put the embedding prefix before them.
      const message = e.message.startsWith('graph') ? field.slice(0, -'graph'.length) + e.message : `${field}: ${e.message}`;
      throw new FormatError(message, e.field ? `${field}.${e.field}` : field, e.node);
    }
    throw e;
  }
}

/**
 * Read a weights file (or a project's embedded `weights`, with `prefix` = "weights"). `newest`
 * is the newest version the caller's form has: the binary reader passes 2, with data already
 * as Float32Arrays.
 */
export function parseWeightsFile(raw: unknown, prefix = '', newest = WEIGHTS_VERSION): WeightsFile {
  const { obj, version } = checkHeader(raw, WEIGHTS_FORMAT, newest, prefix);
  const file = parseWith(WeightsSchema, raw, prefix ? [prefix] : []);
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  // Entries come from the raw object, not zod's copy: zod rebuilds records by assignment, which
  // silently drops a "__proto__" key (JSON.parse makes it an ordinary own property).
  const tensors: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(obj.tensors as Record<string, unknown>)) {
    if (!KEY_PATTERN.test(key)) {
      throw new FormatError(`${at('tensors')}: key ${describeValue(key)} must be "<nodeId>.<name>", e.g. "conv1.weight"`, at('tensors'));
    }
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      throw new FormatError(`${key}: expected { "shape": [...], "data": [...] }, got ${describeValue(t)}`, key);
    }
    const rec = t as Record<string, unknown>;
    const extra = Object.keys(rec).filter((k) => k !== 'shape' && k !== 'data');
    if (extra.length) throw new FormatError(`${key}: unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')}`, key);
    const shape = parseShape(rec.shape, key);
    tensors[key] = { shape, data: parseFloatData(rec.data, shape.reduce((a, b) => a * b, 1), key) };
  }
  return {
    version,
    generatedBy: file.generatedBy ?? null,
    tensors,
    graph: file.graph === undefined ? null : graphField(file.graph, at('graph')),
    metrics: file.metrics === undefined ? null : (Object.fromEntries(Object.entries(obj.metrics as Metrics)) as Metrics),
    preprocessing: file.preprocessing ?? null,
  };
}

interface Problem {
  key: string;
  text: string;
}

/** One error carrying every problem; its field is the tensor when there is just one. */
function throwProblems(problems: Problem[]): void {
  if (!problems.length) return;
  const texts = problems.map((p) => p.text);
  const head = problems.length > 1 ? `${problems.length} problems with the weights: ` : '';
  throw new FormatError(head + texts.join('; '), problems.length === 1 ? problems[0].key : null, null, texts);
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** How a fit problem is worded for where the tensors come from (a file has shapes, a map lengths). */
interface Wording<T> {
  missing: string;
  fits(t: T, slot: TensorSlot): boolean;
  has(t: T, slot: TensorSlot): string;
  extra: string;
}

const FILE_WORDING: Wording<{ shape: number[] }> = {
  missing: 'missing from the file',
  fits: (t, s) => sameShape(t.shape, s.shape),
  has: (t, s) => `file has ${t.shape.join('×')}, graph needs ${s.shape.join('×')}`,
  extra: 'in the file but not used by the graph',
};

const MAP_WORDING: Wording<Float32Array> = {
  missing: 'missing',
  fits: (t, s) => t.length === s.size,
  has: (t, s) => `has ${t.length} values, graph needs ${s.shape.join('×')} = ${s.size}`,
  extra: 'not a tensor of this graph',
};

/**
 * The one rule for "these tensors fit the graph" (loading a file, saving, starting a run): every
 * slot of the graph is there with its shape, and nothing else is. Every problem is collected.
 */
function fitProblems<T>(report: ShapeReport, tensors: Record<string, T | undefined>, wording: Wording<T>, doing: string): { slots: TensorSlot[]; problems: Problem[] } {
  if (!report.ok) throw new FormatError(`cannot ${doing} a graph with errors: ${report.errors.map((e) => e.message).join('; ')}`);
  const slots = tensorSlots(report);
  const problems: Problem[] = [];
  for (const slot of slots) {
    const t = tensors[slot.key];
    if (!t) problems.push({ key: slot.key, text: `${slot.key}: ${wording.missing} (graph needs ${slot.shape.join('×')})` });
    else if (!wording.fits(t, slot)) problems.push({ key: slot.key, text: `${slot.key}: ${wording.has(t, slot)}` });
  }
  const wanted = new Set(slots.map((s) => s.key));
  for (const key of Object.keys(tensors)) if (!wanted.has(key)) problems.push({ key, text: `${key}: ${wording.extra}` });
  return { slots, problems };
}

/**
 * The tensors a graph needs, taken from a weights file: every problem is collected (missing,
 * extra, shape mismatch) and thrown together, each naming the tensor and both shapes.
 */
export function matchWeights(report: ShapeReport, file: Pick<WeightsFile, 'tensors'>): WeightMap {
  const { slots, problems } = fitProblems(report, file.tensors, FILE_WORDING, 'check weights against');
  const out: WeightMap = {};
  if (!problems.length) {
    for (const { key } of slots) out[key] = file.tensors[key].data;
    problems.push(...valueProblems(slots, out));
  }
  throwProblems(problems);
  return out;
}

export interface WeightsJson {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  generatedBy: string;
  tensors: Record<string, { shape: number[]; data: number[] }>;
  graph?: Graph;
  metrics?: Metrics;
  preprocessing?: Preprocessing;
}

/** The graph's tensor slots, once `weights` is known to fill them exactly (every problem thrown together). */
export function checkWeightsFit(report: ShapeReport, weights: WeightMap): TensorSlot[] {
  const { slots, problems } = fitProblems(report, weights, MAP_WORDING, 'save weights for');
  throwProblems(problems);
  return slots;
}

/**
 * A WeightMap as a weights file, tensors in the graph's order with the shapes the report gives.
 * Refuses a map that does not fit the graph, so a file written is a file that loads.
 */
export function weightsToJson(report: ShapeReport, weights: WeightMap, extras: { graph?: Graph; metrics?: Metrics; preprocessing?: Preprocessing | null } = {}): WeightsJson {
  const slots = checkWeightsFit(report, weights);
  const tensors: WeightsJson['tensors'] = {};
  for (const s of slots) tensors[s.key] = { shape: [...s.shape], data: floatDataToJson(weights[s.key], s.key) };
  return {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    generatedBy: GENERATED_BY,
    tensors,
    ...(extras.graph ? { graph: extras.graph } : {}),
    ...(extras.metrics ? { metrics: extras.metrics } : {}),
    ...(extras.preprocessing ? { preprocessing: extras.preprocessing } : {}),
  };
}
