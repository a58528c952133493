/**
 * `convas train <project>`: train a project's graph in the training worker (a separate process,
 * the same one the app uses), with a progress bar on a terminal or JSON lines with --json.
 * Ctrl-C stops after the current step and writes a checkpoint; --resume continues from one.
 */
import { dirname, resolve } from 'node:path';
import { BACKENDS } from '../../engine/backend/device';
import { parseDataArg, type DatasetRef } from '../../engine/data/ref';
import { FormatError } from '../../engine/io/errors';
import type { Project } from '../../engine/io/project';
import { matchWeights, weightsToJson } from '../../engine/io/weights';
import { shapesClassesFor } from '../../engine/data/classes-fit';
import { inferShapes } from '../../engine/shapes/inferShapes';
import { writeFileAtomic } from '../../engine/train/checkpoint-file.node.js';
import type { WeightMap } from '../../engine/train/weights';
import { WorkerClient, type ClientEvent } from '../../engine/worker/client.node.js';
import type { EventOf, HyperparametersInput } from '../../engine/worker/protocol';
import type { Command, Io } from '../command';
import { CliError, EXIT } from '../errors';
import { loadProject, loadWeights } from '../files';

/** Exit code after Ctrl-C (128 + SIGINT), as shells expect. */
const EXIT_INTERRUPTED = 130;
const TRAIN_BACKENDS = BACKENDS.filter((b) => b !== 'webgl2');

function number(name: string, raw: string | undefined, check: (v: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || !check(v)) throw new CliError(`--${name} must be ${what}, got "${raw}"`);
  return v;
}

const wholeAtLeast = (min: number) => (v: number) => Number.isInteger(v) && v >= min;

/** The project's dataset setting as a worker data reference (paths relative to the project). */
function projectData(p: Project, projectPath: string): DatasetRef | null {
  const d = p.training.dataset;
  if (!d) return null;
  if (d.source === 'builtin') {
    if (d.name === 'shapes' || d.name === 'kernel-fit') return { kind: d.name };
    throw new CliError(`${projectPath}: training.dataset.name "${d.name}" is not a built-in dataset (shapes, kernel-fit)`);
  }
  const format = d.source === 'idx' ? 'idx' : d.source === 'cifar10' ? 'cifar10' : 'image-folder';
  return { kind: 'folder', path: resolve(dirname(projectPath), d.path!), format };
}

export interface TrainPlan {
  graph: unknown;
  data: DatasetRef;
  hyper: HyperparametersInput;
  weights?: WeightMap;
  checkpoint?: string;
  out: string | null;
  json: boolean;
}

/** Project settings, then the command line's overrides: what the worker is asked to do. */
export function planTraining(args: { positionals: string[]; value(n: string): string | undefined; flag(n: string): boolean }): TrainPlan {
  const projectPath = args.positionals[0];
  const project = loadProject(projectPath);
  const t = project.training;
  const dataArg = args.value('data');
  const data = dataArg ? parseDataArg(dataArg) : projectData(project, projectPath);
  if (!data) throw new CliError(`${projectPath} names no dataset: give --data shapes, --data kernel-fit or --data <folder>`);
  // Shapes draws as many shapes as the classifier has outputs (2–10), as the Train tab does.
  if (data.kind === 'shapes' && data.classes === undefined) {
    const classes = shapesClassesFor(inferShapes(project.graph));
    if (classes !== undefined) data.classes = classes;
  }
  if (data.kind === 'folder' && dataArg) data.path = resolve(data.path);

  const lr = number('lr', args.value('lr'), (v) => v > 0 && v <= 1e3, 'a number in (0, 1000]');
  const out = args.value('out') ?? null;
  const resumeFrom = args.value('resume');
  const checkpointPath = resolve(args.value('checkpoint') ?? resumeFrom ?? (out ? `${out.replace(/\.json$/i, '')}.ckpt` : `${projectPath.replace(/\.json$/i, '')}.ckpt`));
  const normalize = args.value('normalize') as 'unit' | 'standardize' | 'none' | undefined;
  const hyper: HyperparametersInput = {
    epochs: number('epochs', args.value('epochs'), wholeAtLeast(1), 'a whole number ≥ 1') ?? t.epochs,
    batchSize: number('batch', args.value('batch'), wholeAtLeast(1), 'a whole number ≥ 1') ?? t.batchSize,
    optimizer: { ...t.optimizer, ...(lr !== undefined ? { lr } : {}) },
    weightDecay: t.weightDecay,
    initializer: t.initializer,
    seed: number('seed', args.value('seed'), (v) => wholeAtLeast(0)(v) && v <= 0xffffffff, 'a whole number from 0 to 4294967295') ?? t.seed,
    validationSplit: t.validationSplit,
    shuffle: t.shuffle,
    normalize: normalize ?? t.dataset?.normalize ?? 'unit',
    augmentation: t.augmentation,
    backend: (args.value('backend') as HyperparametersInput['backend']) ?? t.backend,
    checkpointPath,
    checkpointEverySteps: number('checkpoint-every', args.value('checkpoint-every'), wholeAtLeast(0), 'a whole number ≥ 0') ?? 0,
    checkpointEachEpoch: true,
    stopAtLoss: number('stop-at-loss', args.value('stop-at-loss'), (v) => v > 0, 'a positive number') ?? null,
  };

  let weights: WeightMap | undefined;
  const weightsPath = args.value('weights');
  if (weightsPath) {
    const file = loadWeights(weightsPath);
    try {
      weights = matchWeights(inferShapes(project.graph), file);
    } catch (e) {
      if (e instanceof FormatError) throw new CliError(`${weightsPath}: ${e.message}`);
      throw e;
    }
  }
  return { graph: project.graph, data, hyper, weights, checkpoint: resumeFrom ? resolve(resumeFrom) : undefined, out, json: args.flag('json') };
}

// ---- progress on a terminal -------------------------------------------------------------------

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const pct = (v: number | null) => (v === null ? '' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | null) => (v === null ? '–' : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(3) : v.toFixed(4));

/** One line per epoch always; on a terminal, a bar redrawn in place between them. */
class Progress {
  private start = Date.now();
  private lastDraw = 0;
  private stepsTotal = 0;
  private stepsAtStart = 0;
  private drawn = false;
  private lastEpochLine = 0;

  constructor(
    private readonly io: Io,
    private readonly tty: boolean,
  ) {}

  ready(e: EventOf<'ready'>): void {
    const d = e.dataset;
    this.stepsTotal = e.epochs * d.stepsPerEpoch;
    this.stepsAtStart = e.resumedFrom ? (e.resumedFrom.epoch - 1) * d.stepsPerEpoch + e.resumedFrom.step : 0;
    this.start = Date.now();
    const resumed = e.resumedFrom ? `, resuming at epoch ${e.resumedFrom.epoch} after step ${e.resumedFrom.step}` : '';
    this.io.out(`Training on ${e.backend}${e.adapter ? ` (${e.adapter})` : ''}: ${d.name}, ${d.trainCount} training / ${d.valCount} validation samples, ${d.stepsPerEpoch} steps per epoch${resumed}\n`);
  }

  step(e: EventOf<'step'>): void {
    if (!this.tty || Date.now() - this.lastDraw < 100) return;
    this.lastDraw = Date.now();
    const done = (e.epoch - 1) * e.stepsPerEpoch + e.step;
    const elapsed = (Date.now() - this.start) / 1000;
    const eta = ((this.stepsTotal - done) * elapsed) / Math.max(1, done - this.stepsAtStart);
    const width = 24;
    const filled = Math.round((width * e.step) / e.stepsPerEpoch);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const acc = e.accuracy === null ? '' : `  acc ${pct(e.accuracy)}`;
    this.io.err(`\r\x1b[2Kepoch ${e.epoch} ${bar} ${e.step}/${e.stepsPerEpoch}  loss ${num(e.loss)}${acc}  ${Math.round(e.samplesPerSec)} samples/s  ETA ${clock(eta)}`);
    this.drawn = true;
  }

  line(text: string): void {
    this.clear();
    this.io.out(`${text}\n`);
  }

  clear(): void {
    if (this.drawn) this.io.err('\r\x1b[2K');
    this.drawn = false;
  }

  /** Epoch lines at most once a second (a kernel fit has thousands of one-step epochs), and always the last. */
  epoch(e: EventOf<'epoch'>, epochs: number): void {
    if (e.epoch !== epochs && e.epoch !== 1 && Date.now() - this.lastEpochLine < 1000) return;
    this.lastEpochLine = Date.now();
    const acc = (v: number | null) => (v === null ? '' : `, accuracy ${pct(v)}`);
    const val = e.valLoss === null ? 'no validation data' : `validation loss ${num(e.valLoss)}${acc(e.valAccuracy)}`;
    this.line(`epoch ${e.epoch}/${epochs}: training loss ${num(e.trainLoss)}${acc(e.trainAccuracy)}; ${val}  (${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSec)} samples/s)`);
  }
}

// ---- the command ------------------------------------------------------------------------------

/** Event as a JSON line: the protocol's fields, weights left out (they go to --out). */
function jsonLine(e: ClientEvent): string {
  if (e.type === 'finished') {
    const { weights: _weights, ...rest } = e;
    return JSON.stringify(rest);
  }
  return JSON.stringify(e);
}

async function runTraining(plan: TrainPlan, io: Io): Promise<number> {
  const client = WorkerClient.fork({ onOutput: (t) => io.err(t) });
  const progress = new Progress(io, !plan.json && process.stderr.isTTY === true);
  let epochs = typeof plan.hyper.epochs === 'number' ? plan.hyper.epochs : 0;
  let interrupted = 0;
  const onSigint = () => {
    interrupted++;
    if (interrupted === 1) {
      const note = 'Stopping after this step and writing a checkpoint… (Ctrl-C again to abandon the run)';
      // stdout carries only JSON lines with --json
      if (plan.json) io.err(`${note}\n`);
      else progress.line(note);
      if (client.alive) client.send({ type: 'stop', checkpoint: true });
    } else {
      client.kill('SIGKILL');
    }
  };
  process.on('SIGINT', onSigint);
  const unsubscribe = client.on((e) => {
    if (plan.json) {
      if (e.type === 'ready' || e.type === 'step' || e.type === 'epoch' || e.type === 'checkpoint' || e.type === 'finished') io.out(`${jsonLine(e)}\n`);
      if (e.type === 'ready') epochs = e.epochs;
      return;
    }
    if (e.type === 'ready') {
      epochs = e.epochs;
      progress.ready(e);
    } else if (e.type === 'step') progress.step(e);
    else if (e.type === 'epoch') progress.epoch(e, epochs);
    else if (e.type === 'checkpoint' && e.reason === 'stop') progress.line(`Checkpoint written: ${e.path} (resume with --resume ${e.path})`);
  });
  try {
    client.send({ type: 'start', graph: plan.graph, data: plan.data, hyper: plan.hyper, ...(plan.weights ? { weights: plan.weights } : {}), ...(plan.checkpoint ? { checkpoint: plan.checkpoint } : {}) });
    let finished: EventOf<'finished'>;
    try {
      finished = await client.next('finished');
    } catch (e) {
      progress.clear();
      // the worker's message already says what was saved; add how to go on from it
      const hint = client.lastCheckpoint ? ` Continue with --resume ${client.lastCheckpoint}` : '';
      throw new CliError(`${e instanceof Error ? e.message : String(e)}${hint}`, interrupted > 1 ? EXIT_INTERRUPTED : EXIT.failed);
    }
    progress.clear();
    if (plan.out) {
      const graph = plan.graph as Project['graph'];
      const metrics = finished.metrics ? { ...finished.metrics, epochs: finished.epochs, steps: finished.globalStep } : undefined;
      const json = weightsToJson(inferShapes(graph), finished.weights as WeightMap, { metrics });
      await writeFileAtomic(resolve(plan.out), new TextEncoder().encode(JSON.stringify(json)));
    }
    if (!plan.json) {
      const how = finished.reason === 'stopped' ? 'Stopped' : finished.reason === 'target-loss' ? 'Reached the target loss' : 'Finished';
      const m = finished.metrics;
      const acc = m?.valAccuracy != null ? `, accuracy ${pct(m.valAccuracy)}` : '';
      const last = m ? ` Training loss ${num(m.trainLoss)}; validation loss ${num(m.valLoss)}${acc}.` : '';
      progress.line(`${how} after ${finished.epochs} epoch${finished.epochs === 1 ? '' : 's'} (${finished.globalStep} steps).${last}${plan.out ? ` Weights: ${plan.out}` : ' (no --out: weights not saved)'}`);
    }
    return finished.reason === 'stopped' && interrupted > 0 ? EXIT_INTERRUPTED : EXIT.ok;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
    await client.close();
  }
}

export const train: Command = {
  name: 'train',
  summary: 'Train a project in the training worker, with progress, checkpoints and resume',
  positionals: [{ name: 'project', help: 'Project file (.convas.json): graph and training settings' }],
  options: [
    { name: 'data', kind: 'value', valueName: '<source>', help: 'shapes, kernel-fit, or a folder of MNIST IDX files, CIFAR-10 batches or class sub-folders of images (default: the project\'s)' },
    { name: 'epochs', kind: 'value', valueName: '<N>', help: 'Epochs to train (default: the project\'s)' },
    { name: 'batch', kind: 'value', valueName: '<N>', help: 'Batch size (default: the project\'s)' },
    { name: 'lr', kind: 'value', valueName: '<X>', help: 'Learning rate (default: the project\'s)' },
    { name: 'weights', kind: 'value', valueName: '<file>', help: 'Start from these weights instead of fresh ones' },
    { name: 'backend', kind: 'value', valueName: '<name>', help: 'Where kernels run (default: the project\'s)', choices: TRAIN_BACKENDS },
    { name: 'resume', kind: 'value', valueName: '<file>', help: 'Continue a run from its checkpoint, exactly as if it had not stopped' },
    { name: 'out', kind: 'value', valueName: '<file>', help: 'Write the trained weights here (weights JSON)' },
    { name: 'checkpoint', kind: 'value', valueName: '<file>', help: 'Checkpoint file (default: --resume\'s, else beside --out or the project, .ckpt)' },
    { name: 'checkpoint-every', kind: 'value', valueName: '<N>', help: 'Also checkpoint every N steps (default: at epoch ends, at most every 5 s)' },
    { name: 'normalize', kind: 'value', valueName: '<mode>', help: 'Input scaling (default: the project\'s)', choices: ['unit', 'standardize', 'none'] },
    { name: 'seed', kind: 'value', valueName: '<N>', help: 'Seed of weights, data order and augmentation (default: the project\'s)' },
    { name: 'stop-at-loss', kind: 'value', valueName: '<X>', help: 'Stop once a step\'s training loss is below X' },
    { name: 'json', kind: 'flag', help: 'JSON lines on stdout: ready, step, epoch, checkpoint and finished events' },
  ],
  details: `Ctrl-C stops after the current step, writes a checkpoint and exits with code ${EXIT_INTERRUPTED}; a second Ctrl-C abandons the run.
Exit codes: 0 trained; 1 training failed (divergence, data, worker died); 2 bad arguments or files; ${EXIT_INTERRUPTED} interrupted.`,
  async run(args, io) {
    return runTraining(planTraining(args), io);
  },
};
