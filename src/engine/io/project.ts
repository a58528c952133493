/**
 * Project file (`convas-project`, version 1): the graph, where each node sits on the canvas,
 * the training settings, and optionally trained weights — everything needed to reopen a piece
 * of work or train it from the command line. Schema and meaning: docs/formats.md.
 */
import { z } from 'zod';
import type { DatasetRef as DataRef } from '../data/ref';
import type { Graph } from '../graph/types';
import { describeValue, FormatError } from './errors';
import { checkHeader, GENERATED_BY } from './header';
import { graphField, parseWeightsFile, type WeightsFile, type WeightsJson } from './weights';
import { NormalizeSchema, TrainingCoreFields, type OptimizerConfig } from './settings';
import { parseWith } from './zod-issues';

export const PROJECT_FORMAT = 'convas-project';
export const PROJECT_VERSION = 1;

/**
 * Where the data comes from. `builtin` sets ship with Convas and are named ("shapes",
 * "kernel-fit"); the others are files on disk, with `path` relative to the project file (so a
 * project folder can move).
 */
export const DATASET_SOURCES = ['builtin', 'idx', 'cifar10', 'image-folder'] as const;
export const BUILTIN_DATASETS = ['shapes', 'kernel-fit', 'mnist', 'fashion-mnist'] as const;
const DatasetSchema = z
  .strictObject({
    source: z.enum(DATASET_SOURCES),
    name: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    normalize: NormalizeSchema.default('unit'),
  })
  .superRefine((d, ctx) => {
    if (d.source === 'builtin' && !(BUILTIN_DATASETS as readonly (string | undefined)[]).includes(d.name)) {
      const options = BUILTIN_DATASETS.map((b) => `"${b}"`).join(', ');
      ctx.addIssue({ code: 'custom', path: ['name'], message: d.name ? `must be one of ${options} for a builtin dataset, got "${d.name}"` : `is required for a builtin dataset (${options})` });
    }
    if (d.source !== 'builtin' && !d.path) ctx.addIssue({ code: 'custom', path: ['path'], message: `is required when source is "${d.source}" (a path relative to the project file)` });
  });

// Key order as files have always been written (presets are compared byte for byte).
const { epochs, batchSize, optimizer, weightDecay, initializer, seed, validationSplit, shuffle, augmentation, backend } = TrainingCoreFields;
const TrainingSchema = z.strictObject({
  epochs,
  batchSize,
  optimizer,
  weightDecay,
  initializer,
  seed,
  dataset: DatasetSchema.nullable().default(null),
  validationSplit,
  shuffle,
  augmentation,
  backend,
});

const ProjectSchema = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.number(),
  generatedBy: z.string().optional(),
  name: z.string().max(200).default(''),
  description: z.string().max(100_000).default(''),
  /** The parameter total the author expects (presets give the published figure); `convas validate` compares. */
  expectedParams: z.number().int().min(0).optional(),
  graph: z.unknown(),
  layout: z.unknown().optional(),
  training: TrainingSchema.prefault({}),
  weights: z.unknown().optional(),
});

export type TrainingSettings = z.output<typeof TrainingSchema>;
export type ProjectDataset = z.output<typeof DatasetSchema>;

/**
 * A new run's settings as the project's Train tab left them (the worker's hyperparameters
 * without the run-only fields: checkpoint cadence, stop-at-loss): the CLI and the app start
 * runs from the same record.
 */
export function runSettingsOf(t: TrainingSettings) {
  return {
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: { ...t.optimizer },
    weightDecay: t.weightDecay,
    initializer: t.initializer,
    seed: t.seed,
    validationSplit: t.validationSplit,
    shuffle: t.shuffle,
    normalize: t.dataset?.normalize ?? ('unit' as const),
    augmentation: { ...t.augmentation },
    backend: t.backend,
  };
}
export type Layout = Record<string, { x: number; y: number }>;

export interface Project {
  /** The version the file was written in (files are upgraded to the current one on load). */
  version: number;
  generatedBy: string | null;
  name: string;
  description: string;
  expectedParams: number | null;
  graph: Graph;
  layout: Layout;
  training: TrainingSettings;
  /** Embedded trained weights, not yet checked against the graph (see `matchWeights`). */
  weights: WeightsFile | null;
}

/** Training settings with every default filled in. */
export function defaultTraining(): TrainingSettings {
  return TrainingSchema.parse({});
}

const PointSchema = z.strictObject({ x: z.number(), y: z.number() });

/**
 * Node positions by node id. Built with Object.fromEntries, not by zod's record: an id may be
 * "__proto__", which an assignment would turn into a prototype change and silently drop.
 */
function parseLayout(raw: unknown, ids: ReadonlySet<string>): Layout {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FormatError(`layout: must be an object of { "x", "y" } by node id, got ${describeValue(raw)}`, 'layout');
  }
  return Object.fromEntries(
    Object.entries(raw).map(([id, point]) => {
      if (!ids.has(id)) throw new FormatError(`layout: ${JSON.stringify(id)} is not a node of the graph`, `layout.${id}`);
      return [id, parseWith(PointSchema, point, ['layout', id])];
    }),
  );
}

/** Read a project file's JSON value; throws FormatError naming the field at fault. */
export function parseProject(raw: unknown): Project {
  const { version } = checkHeader(raw, PROJECT_FORMAT, PROJECT_VERSION);
  const p = parseWith(ProjectSchema, raw);
  const graph = graphField(p.graph, 'graph');
  const layout = parseLayout(p.layout, new Set(graph.nodes.map((n) => n.id)));
  return {
    version,
    generatedBy: p.generatedBy ?? null,
    name: p.name,
    description: p.description,
    expectedParams: p.expectedParams ?? null,
    graph,
    layout,
    training: p.training,
    weights: p.weights === undefined ? null : parseWeightsFile(p.weights, 'weights'),
  };
}

/**
 * The data module's reference (what the training worker opens) for a project's dataset. Saved
 * files and runtime messages are kept apart, so either can change without breaking the other.
 * `resolve` turns the stored path (relative to the project file) into one the reader can open.
 */
export function datasetRefOf(d: ProjectDataset, resolve: (path: string) => string = (p) => p): DataRef {
  if (d.source === 'builtin') return { kind: d.name as (typeof BUILTIN_DATASETS)[number] };
  return { kind: 'folder', path: resolve(d.path!), format: d.source };
}

/** The optimizer configuration the training step compiles, with the project's weight decay. */
export function optimizerConfig(t: TrainingSettings): OptimizerConfig {
  const { name, lr, momentum, rho, beta1, beta2, epsilon } = t.optimizer;
  return { name, lr, weightDecay: t.weightDecay, momentum, rho, beta1, beta2, epsilon };
}

export interface ProjectJson {
  format: typeof PROJECT_FORMAT;
  version: number;
  generatedBy: string;
  name?: string;
  description?: string;
  expectedParams?: number;
  graph: Graph;
  layout: Layout;
  training: TrainingSettings;
  weights?: WeightsJson;
}

/**
 * A project as file JSON. The training settings are checked (and completed with defaults) on
 * the way out, so the app cannot save a file it would refuse to open.
 */
export function projectToJson(p: {
  name?: string;
  description?: string;
  expectedParams?: number;
  graph: Graph;
  layout?: Layout;
  training?: Partial<TrainingSettings>;
  weights?: WeightsJson;
}): ProjectJson {
  const graph: Graph = {
    nodes: p.graph.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params })),
    edges: p.graph.edges.map((e) => ({ from: e.from, to: e.to, port: e.port })),
  };
  const json: ProjectJson = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    generatedBy: GENERATED_BY,
    ...(p.name ? { name: p.name } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(p.expectedParams !== undefined ? { expectedParams: p.expectedParams } : {}),
    graph,
    layout: p.layout ?? {},
    training: parseWith(TrainingSchema, p.training ?? {}, ['training']),
    ...(p.weights ? { weights: p.weights } : {}),
  };
  parseProject(json);
  return json;
}
