/**
 * `convas export <project> --weights <w.json> --format pytorch|onnx|tfjs|keras --out <path>`:
 * write the trained network in another framework's format, then run what was written in that
 * framework's runtime on a batch of inputs and compare with Convas's own inference. A failed
 * check is an error (exit 1), never a silent success.
 */
import { BackendUnavailableError, type BackendName, type Device } from '../../engine/backend/device';
import { createNodeDevice } from '../../engine/backend/device.node.js';
import { FormatError } from '../../engine/io/errors';
import { EXPORT_FORMATS, ExportError, exportPlan, type ExportFormat, type ExportPlan } from '../../engine/io/export/plan';
import { TARGETS } from '../../engine/io/export/targets.node.js';
import { describeVerification, type Verification } from '../../engine/io/export/verify';
import { verifyInputs } from '../../engine/io/export/verify-inputs.node.js';
import { checkOutPath, writeArtifact } from '../../engine/io/export/write.node.js';
import { applyPreprocessing } from '../../engine/data/preprocessing';
import { compileInference } from '../../engine/train/network';
import type { Command, Io } from '../command';
import { CliError, EXIT } from '../errors';
import { loadProject, loadWeights } from '../files';
import { INFER_BACKENDS } from './infer';

/** Inputs the check runs: two samples keep it quick and still catch a batch-axis mistake. */
const VERIFY_BATCH = 2;

async function convasOutputs(plan: ExportPlan, x: Float32Array, backend: BackendName): Promise<{ output: Float32Array; backend: string }> {
  let device: Device;
  try {
    device = await createNodeDevice(backend);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new CliError(e.message, EXIT.failed);
    throw e;
  }
  try {
    const inference = compileInference(plan.graph, device, { batch: VERIFY_BATCH });
    const outputs = await inference.run(x, plan.weights);
    return { output: outputs[plan.output.id], backend: inference.backend };
  } finally {
    device.destroy();
  }
}

function fail(where: string, e: unknown): never {
  if (e instanceof ExportError || e instanceof FormatError) throw new CliError(`${where}: ${e.message}`, EXIT.failed);
  throw e;
}

async function run(projectPath: string, opts: { weights?: string; format: ExportFormat; out: string; force: boolean; backend: BackendName }, io: Io): Promise<number> {
  const target = TARGETS[opts.format];
  // the destination first: a refused or unwritable --out costs no work
  try {
    checkOutPath(opts.out, target.kind, opts.force);
  } catch (e) {
    if (e instanceof ExportError) throw new CliError(e.message);
    throw e;
  }
  const project = loadProject(projectPath);
  const file = opts.weights ? loadWeights(opts.weights) : project.weights;
  if (!file) throw new CliError(`no weights: pass --weights <file> (${projectPath} embeds none)`);
  let plan: ExportPlan;
  try {
    plan = exportPlan(project.graph, file);
  } catch (e) {
    fail(opts.weights ?? projectPath, e);
  }
  let sizes: Record<string, number>;
  try {
    sizes = await writeArtifact(opts.out, await target.build(plan, { project, projectPath }), opts.force);
  } catch (e) {
    fail(`${projectPath} → ${opts.format}`, e);
  }
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  io.out(`wrote ${opts.out} (${opts.format}, ${Object.keys(sizes).length} file${Object.keys(sizes).length > 1 ? 's' : ''}, ${(total / 1e6).toFixed(2)} MB)\n`);

  const { raw, what } = await verifyInputs(project, projectPath, plan, VERIFY_BATCH);
  const x = plan.preprocessing ? applyPreprocessing(plan.preprocessing, { shape: [VERIFY_BATCH, ...plan.input.outShape], data: raw }).data : raw;
  const reference = await convasOutputs(plan, x, opts.backend);
  const inputs = `${what}${plan.preprocessing ? ' (preprocessed as in training)' : ''}, Convas on ${reference.backend}`;
  let v: Verification;
  try {
    v = await target.verify({ plan, out: opts.out, raw, x, batch: VERIFY_BATCH, reference: reference.output, inputs });
  } catch (e) {
    // written, but not checked: an error all the same (the files stay for inspection)
    fail(`${opts.out} was written but could not be checked`, e);
  }
  if (!v.ok) {
    io.err(`${opts.out}: ${describeVerification(v)}\n`);
    return EXIT.failed;
  }
  io.out(describeVerification(v) + '\n');
  return EXIT.ok;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a trained network as PyTorch, ONNX, TF.js or Keras, and check it in that runtime.',
  positionals: [{ name: 'project', help: 'A convas-project JSON file' }],
  options: [
    { name: 'weights', kind: 'value', valueName: '<file>', help: 'convas-weights JSON (default: the weights embedded in the project)' },
    { name: 'format', kind: 'value', valueName: '<name>', choices: EXPORT_FORMATS, required: true, help: 'Target format' },
    { name: 'out', kind: 'value', valueName: '<path>', required: true, help: 'onnx, keras: a file (model.onnx, model.keras); pytorch, tfjs: a folder' },
    { name: 'force', kind: 'flag', help: 'Replace an existing --out' },
    { name: 'backend', kind: 'value', valueName: '<name>', choices: INFER_BACKENDS, help: 'Where Convas computes the reference outputs (default auto)' },
  ],
  details:
    'After writing, the export runs in its target runtime on 2 inputs (the project\'s data when it can be opened here, else seeded random) and prints the largest absolute difference from Convas. Exit codes: 0 written and verified, 1 the export or its verification failed, 2 bad usage or an unreadable/invalid file.',
  async run(args, io) {
    return run(
      args.positionals[0],
      {
        weights: args.value('weights'),
        format: args.value('format') as ExportFormat,
        out: args.value('out')!,
        force: args.flag('force'),
        backend: (args.value('backend') ?? 'auto') as BackendName,
      },
      io,
    );
  },
};
