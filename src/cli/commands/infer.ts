/**
 * `convas infer <project> --weights <w.json> --input <tensor.json>`: one inference pass (BatchNorm
 * on running statistics, Dropout off) on the chosen backend, printing the final output — or every
 * node's with --layers — and the backend that actually ran.
 */
import { BackendUnavailableError, type BackendName, type Device } from '../../engine/backend/device';
import { createNodeDevice } from '../../engine/backend/node';
import { formatShape } from '../../engine/graph/types';
import { FormatError } from '../../engine/io/errors';
import { shortestFloat32 } from '../../engine/io/tensor';
import { matchWeights, type WeightsFile } from '../../engine/io/weights';
import { size } from '../../engine/layers/spec';
import { inferShapes, type NodeShapeInfo, type ShapeReport } from '../../engine/shapes/inferShapes';
import { compileInference } from '../../engine/train/network';
import type { WeightMap } from '../../engine/train/weights';
import type { Command, Io } from '../command';
import { CliError, EXIT } from '../errors';
import { loadProject, loadTensor, loadWeights } from '../files';

export const INFER_BACKENDS = ['auto', 'webgpu', 'webasm', 'cpu'] as const;

export interface InferJson {
  backend: string;
  outputs: Record<string, { shape: number[]; data: (number | null)[] }>;
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

/** One sample's output in words: top classes for a classifier, values or statistics otherwise. */
function describeSample(node: NodeShapeInfo, values: Float32Array): string {
  if (node.spec?.output?.targets === 'class') {
    const top = Array.from(values, (p, c) => ({ p, c }))
      .sort((a, b) => b.p - a.p)
      .slice(0, Math.min(3, values.length));
    return top.map(({ p, c }) => `class ${c} (${(p * 100).toFixed(1)}%)`).join(', ');
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

function inferText(report: ShapeReport, backend: string, batch: number, outputs: Record<string, Float32Array>): string {
  const lines = [`backend: ${backend}`];
  for (const [id, data] of Object.entries(outputs)) {
    const node = report.byId.get(id)!;
    const per = size(node.outputShape!);
    lines.push('', `${id} (${node.type}) → ${batch}×${formatShape(node.outputShape!)}`);
    for (let n = 0; n < batch; n++) lines.push(`  sample ${n}: ${describeSample(node, data.subarray(n * per, (n + 1) * per))}`);
  }
  return lines.join('\n') + '\n';
}

/** The tensors the graph needs, from --weights or else the project's embedded weights. */
function weightsFor(report: ShapeReport, projectPath: string, embedded: WeightsFile | null, weightsPath: string | undefined): WeightMap {
  const file = weightsPath ? loadWeights(weightsPath) : embedded;
  if (!file) throw new CliError(`no weights: pass --weights <file> (${projectPath} embeds none)`);
  try {
    return matchWeights(report, file);
  } catch (e) {
    if (e instanceof FormatError) throw new CliError(`${weightsPath ?? `${projectPath} (embedded weights)`}: ${e.message}`);
    throw e;
  }
}

async function run(projectPath: string, opts: { weights?: string; input: string; layers: boolean; backend: BackendName; json: boolean }, io: Io): Promise<number> {
  const project = loadProject(projectPath);
  const report = inferShapes(project.graph);
  if (!report.ok) throw new CliError(`${projectPath}: the graph has errors: ${report.errors.map((e) => e.message).join('; ')}`, EXIT.failed);
  const weights = weightsFor(report, projectPath, project.weights, opts.weights);
  const input = loadTensor(opts.input);
  const inputNodes = report.nodes.filter((n) => n.type === 'Input');
  if (inputNodes.length !== 1) throw new CliError(`${projectPath}: inference needs exactly one Input node, found ${inputNodes.length}`, EXIT.failed);
  const sample = inputNodes[0].outputShape!;
  const batch = input.shape[0];
  if (input.shape.length !== sample.length + 1 || !sample.every((d, i) => d === input.shape[i + 1])) {
    throw new CliError(`${opts.input}: shape ${formatShape(input.shape)} does not fit the Input ${inputNodes[0].id}: expected N×${formatShape(sample)}`);
  }

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
        json.outputs[id] = { shape: [batch, ...report.byId.get(id)!.outputShape!], data: values };
      }
      io.out(JSON.stringify(json) + '\n');
    } else {
      io.out(inferText(report, backend, batch, outputs));
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
    { name: 'weights', kind: 'value', valueName: '<file>', help: 'convas-weights JSON (default: the weights embedded in the project)' },
    { name: 'input', kind: 'value', valueName: '<file>', required: true, help: 'Tensor JSON { "shape": [N, ...], "data": [...] }; N is the batch size' },
    { name: 'layers', kind: 'flag', help: 'Print every node\'s output, not only the final one' },
    { name: 'backend', kind: 'value', valueName: '<name>', choices: INFER_BACKENDS, help: 'Where to run (default auto)' },
    { name: 'json', kind: 'flag', help: 'Print { "backend", "outputs": { "<node>": { "shape", "data" } } }' },
  ],
  details: 'Exit codes: 0 done, 1 the graph has errors or the run failed (e.g. the backend is not available), 2 bad usage or an unreadable/invalid file.',
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
