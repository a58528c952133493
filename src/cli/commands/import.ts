/**
 * `convas import <model.onnx> --out <project.convas.json> [--weights-out <file>] [--partial]`:
 * an ONNX model as a Convas project — its graph laid out, its weights embedded or written beside
 * — printing how each ONNX node mapped. Nodes that map onto no Convas layer are listed (name, op
 * type, inputs, why) and nothing is written, unless --partial keeps the part before the first.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { AtomicWriteError, writeFileAtomic } from '../../engine/io/atomic-file.node.js';
import { FormatError } from '../../engine/io/errors';
import { InputFileError, readInputFile } from '../../engine/io/input-file.node.js';
import { graphSummary, mappingText, onnxToProject } from '../../engine/io/import/project';
import { weightsToJson } from '../../engine/io/weights';
import { saveWeightsFile } from '../../engine/io/weights-file.node.js';
import type { Command, Io } from '../command';
import { CliError, EXIT } from '../errors';

/** Protobuf's own limit: a model file above 2 GB keeps its weights outside (external data). */
const MAX_ONNX_BYTES = 2 ** 31 - 1;
/** Above this many weights, embedding them would make a project file of hundreds of MB of JSON text. */
const MAX_EMBEDDED_VALUES = 4_000_000;

interface ImportOpts {
  out: string;
  weightsOut?: string;
  partial: boolean;
  force: boolean;
}

function refuseExisting(path: string, force: boolean): void {
  if (!force && existsSync(path)) throw new CliError(`${path} exists; pass --force to replace it`);
}

async function run(modelPath: string, opts: ImportOpts, io: Io): Promise<number> {
  refuseExisting(opts.out, opts.force);
  if (opts.weightsOut) refuseExisting(opts.weightsOut, opts.force);
  let bytes: Buffer;
  try {
    bytes = readInputFile(modelPath, MAX_ONNX_BYTES, 'an ONNX model');
  } catch (e) {
    if (e instanceof InputFileError) throw new CliError(e.message);
    throw e;
  }
  let result: Awaited<ReturnType<typeof onnxToProject>>;
  try {
    result = await onnxToProject(bytes, basename(modelPath), { partial: opts.partial, embedWeights: false });
  } catch (e) {
    if (e instanceof FormatError) throw new CliError(`${modelPath}: ${e.message}`, EXIT.badInput);
    throw e;
  }
  const { imported } = result;
  io.out(`${mappingText(imported)}\n\n`);
  const values = Object.values(imported.weights).reduce((n, t) => n + t.length, 0);
  const embed = !opts.weightsOut;
  if (embed && values > MAX_EMBEDDED_VALUES) {
    throw new CliError(`${modelPath} has ${values.toLocaleString('en-US')} weights, too many to embed in a project file; pass --weights-out <name>.safetensors (nothing written)`);
  }
  try {
    const project = embed ? { ...result.project, weights: weightsToJson(imported.report, imported.weights) } : result.project;
    if (opts.weightsOut) await saveWeightsFile(opts.weightsOut, imported.report, imported.weights);
    await writeFileAtomic(opts.out, JSON.stringify(project, null, 1) + '\n');
  } catch (e) {
    if (e instanceof AtomicWriteError || e instanceof FormatError) throw new CliError(e.message, EXIT.failed);
    throw e;
  }
  const params = imported.report.totals.params.toLocaleString('en-US');
  io.out(`${imported.graph.nodes.length} Convas nodes (${graphSummary(imported.graph)}), ${params} parameters\n`);
  io.out(`wrote ${opts.out}${opts.weightsOut ? ` and ${opts.weightsOut}` : ' (weights embedded)'}\n`);
  if (imported.stopped) {
    const { at, skipped } = imported.stopped;
    io.err(`partial import: stopped at ${at.name} (${at.opType}; inputs ${at.inputs.join(', ')}): ${at.reason}; ${skipped.length} later node${skipped.length === 1 ? '' : 's'} not imported\n`);
  }
  return EXIT.ok;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Open an ONNX model (PyTorch, Keras, TF exports) as a Convas project with its weights.',
  positionals: [{ name: 'model', help: 'An ONNX model file (.onnx), opsets 11–20' }],
  options: [
    { name: 'out', kind: 'value', valueName: '<project.convas.json>', required: true, help: 'The project file to write' },
    { name: 'weights-out', kind: 'value', valueName: '<file>', help: 'Write the weights here (.json or binary .safetensors) instead of embedding them in the project' },
    { name: 'partial', kind: 'flag', help: 'Import the part before the first node Convas cannot map, instead of stopping' },
    { name: 'force', kind: 'flag', help: 'Replace existing output files' },
  ],
  details:
    'Prints each ONNX node and the Convas node it became (or why none: folded constants, pass-throughs). Nodes that cannot be mapped are listed with their name, op type and inputs. Exit codes: 0 written, 1 writing failed, 2 bad usage, an unreadable or unmappable model (nothing written).',
  async run(args, io) {
    return run(args.positionals[0], { out: args.value('out')!, weightsOut: args.value('weights-out'), partial: args.flag('partial'), force: args.flag('force') }, io);
  },
};
