/**
 * `convas infer <project> --weights <w.json> --input <file>`: one inference pass (BatchNorm on
 * running statistics, Dropout off) on the chosen backend, printing the final output — or every
 * node's with --layers — and the backend that actually ran. The input (an image, IDX, CIFAR-10
 * batch or tensor JSON: ../infer-input.ts) is in the data's own units; the preprocessing the
 * training run recorded with the weights is applied first, so the answers are the trained ones.
 */
import { BackendUnavailableError, type BackendName, type Device } from '../../engine/backend/device';
import { createNodeDevice } from '../../engine/backend/device.node.js';
import { formatShape } from '../../engine/graph/types';
import { FormatError } from '../../engine/io/errors';
import { applyPreprocessing, className, type Preprocessing } from '../../engine/data/preprocessing';
import { shortestFloat32, type Tensor } from '../../engine/io/tensor';
import { matchWeights, type WeightsFile } from '../../engine/io/weights';
import { size } from '../../engine/layers/spec';
import { inferShapes, type NodeShapeInfo, type ShapeReport } from '../../engine/shapes/inferShapes';
import { compileInference } from '../../engine/train/network';
import type { WeightMap } from '../../engine/train/weights';
import type { Command, Io } from '../command';
import { CliError, EXIT } from '../errors';
import { loadProject, loadWeights } from '../files';
import { readInferInput } from '../infer-input';

export const INFER_BACKENDS = ['auto', 'webgpu', 'webasm', 'cpu'] as const;

/** A classifier's answer for one sample: its most probable output, named when the weights know the name. */
export interface Predicted {
  class: number;
  name?: string;
  probability: number;
}

export interface InferJson {
  backend: string;
  /**
   * `classes` (the data's class names, output order) and `predicted` (one per sample) only for a
   * classifier's output; `classes` only when the weights' preprocessing record names them.
   */
  outputs: Record<string, { shape: number[]; data: (number | null)[]; classes?: string[]; predicted?: Predicted[] }>;
}

/** JSON cannot hold NaN or ±Infinity: they are written as null, and counted for a warning. */
function outputData(data: Float32Array): { data: (number | null)[]; nonFinite: number } {
  let nonFinite = 0;
  const out = Array.from(data, (v) => {
    if (Number.isFinite(v)) return shortestFloat32(v);
    nonFinite++;
    return null;
  });
  return { data: out, nonFinite };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

const isClassifier = (node: NodeShapeInfo) => node.spec?.output?.targets === 'class';

/** `class 2 triangle`, or `class 2` when the record has no name for it (or the name is the index: MNIST's '2'). */
const classLabel = (c: number, record: Preprocessing | null) => {
  const name = className(record, c);
  return name === null ? `class ${c}` : `class ${c} ${name}`;
};

/** The most probable output of one sample (the first of equals). */
function predicted(values: Float32Array, record: Preprocessing | null): Predicted {
  let best = 0;
  for (let c = 1; c < values.length; c++) if (values[c] > values[best]) best = c;
  const name = record?.classes?.[best];
  return { class: best, ...(name !== undefined ? { name } : {}), probability: shortestFloat32(values[best]) };
}

/** One sample's output in words: top classes (named when known) for a classifier, values or statistics otherwise. */
function describeSample(node: NodeShapeInfo, values: Float32Array, record: Preprocessing | null): string {
  if (isClassifier(node)) {
    const top = Array.from(values, (p, c) => ({ p, c }))
      .sort((a, b) => b.p - a.p)
      .slice(0, Math.min(3, values.length));
    return top.map(({ p, c }) => `${classLabel(c, record)} (${(p * 100).toFixed(1)}%)`).join(', ');
  }
  if (values.length <= 10) return Array.from(values, fmt).join(', ');
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return `min ${fmt(min)}, max ${fmt(max)}, mean ${fmt(sum / values.length)}`;
}

function inferText(report: ShapeReport, backend: string, batch: number, outputs: Record<string, Float32Array>, record: Preprocessing | null): string {
  const lines = [`backend: ${backend}`];
  for (const [id, data] of Object.entries(outputs)) {
    const node = report.byId.get(id)!;
    const per = size(node.outputShape!);
    lines.push('', `${id} (${node.type}) → ${batch}×${formatShape(node.outputShape!)}`);
    for (let n = 0; n < batch; n++) lines.push(`  sample ${n}: ${describeSample(node, data.subarray(n * per, (n + 1) * per), record)}`);
  }
  return lines.join('\n') + '\n';
}

/** The tensors the graph needs and the run's preprocessing, from --weights or else the project's embedded weights. */
function weightsFor(report: ShapeReport, projectPath: string, embedded: WeightsFile | null, weightsPath: string | undefined): { weights: WeightMap; preprocessing: Preprocessing | null } {
  const file = weightsPath ? loadWeights(weightsPath) : embedded;
  if (!file) throw new CliError(`no weights: pass --weights <file> (${projectPath} embeds none)`);
  try {
    return { weights: matchWeights(report, file), preprocessing: file.preprocessing };
  } catch (e) {
    if (e instanceof FormatError) throw new CliError(`${weightsPath ?? `${projectPath} (embedded weights)`}: ${e.message}`);
    throw e;
  }
}

/**
 * The input as the network saw its training data: the weights' preprocessing record applied to
 * values in the data's own units. Weights from before the record existed get the input as it is.
 */
function preprocess(raw: Tensor, record: Preprocessing | null, weightsName: string): Tensor {
  if (!record) return raw; // hand-made or imported weights, or written before Convas recorded it
  try {
    return applyPreprocessing(record, raw);
  } catch (e) {
    throw new CliError(`${weightsName}: ${(e as Error).message}`);
  }
}

async function run(projectPath: string, opts: { weights?: string; input: string; layers: boolean; backend: BackendName; json: boolean }, io: Io): Promise<number> {
  const project = loadProject(projectPath);
  const report = inferShapes(project.graph);
  if (!report.ok) throw new CliError(`${projectPath}: the graph has errors: ${report.errors.map((e) => e.message).join('; ')}`, EXIT.failed);
  const { weights, preprocessing } = weightsFor(report, projectPath, project.weights, opts.weights);
  const inputNodes = report.nodes.filter((n) => n.type === 'Input');
  if (inputNodes.length !== 1) throw new CliError(`${projectPath}: inference needs exactly one Input node, found ${inputNodes.length}`, EXIT.failed);
  const sample = inputNodes[0].outputShape!;
  const raw = readInferInput(opts.input, sample).tensor;
  const batch = raw.shape[0];
  if (raw.shape.length !== sample.length + 1 || !sample.every((d, i) => d === raw.shape[i + 1])) {
    throw new CliError(`${opts.input}: shape ${formatShape(raw.shape)} does not fit the Input ${inputNodes[0].id}: expected N×${formatShape(sample)}`);
  }
  const input = preprocess(raw, preprocessing, opts.weights ?? `${projectPath} (embedded weights)`);

  let device: Device;
  try {
    device = await createNodeDevice(opts.backend);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new CliError(e.message, EXIT.failed);
    throw e;
  }
  try {
    const inference = compileInference(project.graph, device, { batch, allOutputs: opts.layers });
    const outputs = await inference.run(input.data, weights);
    const backend = inference.backend;
    if (opts.json) {
      const json: InferJson = { backend, outputs: {} };
      for (const [id, data] of Object.entries(outputs)) {
        const { data: values, nonFinite } = outputData(data);
        if (nonFinite) io.err(`warning: ${id} has ${nonFinite} non-finite value${nonFinite > 1 ? 's' : ''} (written as null)\n`);
        const node = report.byId.get(id)!;
        json.outputs[id] = { shape: [batch, ...node.outputShape!], data: values };
        if (isClassifier(node)) {
          const per = size(node.outputShape!);
          if (preprocessing?.classes) json.outputs[id].classes = [...preprocessing.classes];
          json.outputs[id].predicted = Array.from({ length: batch }, (_, n) => predicted(data.subarray(n * per, (n + 1) * per), preprocessing));
        }
      }
      io.out(JSON.stringify(json) + '\n');
    } else {
      io.out(inferText(report, backend, batch, outputs, preprocessing));
    }
    return EXIT.ok;
  } finally {
    device.destroy();
  }
}

export const infer: Command = {
  name: 'infer',
  summary: 'Run a trained network on an input tensor (inference mode) and print its output.',
  positionals: [{ name: 'project', help: 'A convas-project JSON file' }],
  options: [
    { name: 'weights', kind: 'value', valueName: '<file>', help: 'Weights file: JSON or binary .safetensors (default: the weights embedded in the project)' },
    {
      name: 'input',
      kind: 'value',
      valueName: '<file>',
      required: true,
      help: 'A PNG/JPEG image, an IDX image file, a CIFAR-10 batch (.bin), or tensor JSON { "shape": [N, ...], "data": [...] }; values in the data\'s own units (pixels in [0, 1]): the training run\'s normalisation, saved with the weights, is applied',
    },
    { name: 'layers', kind: 'flag', help: 'Print every node\'s output, not only the final one' },
    { name: 'backend', kind: 'value', valueName: '<name>', choices: INFER_BACKENDS, help: 'Where to run (default auto)' },
    { name: 'json', kind: 'flag', help: 'Print { "backend", "outputs": { "<node>": { "shape", "data" } } }; a classifier\'s output also has "predicted" (per sample: class, name, probability) and "classes" (the names, when the weights know them)' },
  ],
  details: 'Inputs are given as the training data gave them: an image or IDX/CIFAR file as is, tensor JSON with pixel values in [0, 1] (the units the weights file\'s "preprocessing.inputUnits" names). The mean/std the run standardised with are applied here, as in training; an image is converted to the Input\'s channels and resized to its H×W.\nExit codes: 0 done, 1 the graph has errors or the run failed (e.g. the backend is not available), 2 bad usage or an unreadable/invalid file.',
  async run(args, io) {
    return run(
      args.positionals[0],
      {
        weights: args.value('weights'),
        input: args.value('input')!,
        layers: args.flag('layers'),
        backend: (args.value('backend') ?? 'auto') as BackendName,
        json: args.flag('json'),
      },
      io,
    );
  },
};
