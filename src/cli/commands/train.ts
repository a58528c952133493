/**
 * `convas train <project>` (or `--resume <ckpt>` alone): train a graph in the training worker (a separate process,
 * the same one the app uses), with a progress bar on a terminal or JSON lines with --json.
 * Ctrl-C stops after the current step and writes a checkpoint; --resume continues that run with
 * the arguments it had. Where files go and how they are checked: ../run-files.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BACKENDS } from '../../engine/io/settings';
import { parseDataArg, type DatasetRef } from '../../engine/data/ref';
import { FormatError } from '../../engine/io/errors';
import { BUILTIN_DATASETS, datasetRefOf, runSettingsOf, type Project } from '../../engine/io/project';
import type { Preprocessing } from '../../engine/data/preprocessing';
import { matchWeights } from '../../engine/io/weights';
import { encodeWeightsFile, weightsFormatFor, weightsSizeProblem } from '../../engine/io/weights-encode';
import type { WriteBody } from '../../engine/io/atomic-file.node.js';
import { shapesClassesFor } from '../../engine/data/classes-fit';
import type { Graph } from '../../engine/graph/types';
import { inferShapes } from '../../engine/shapes/inferShapes';
import { tensorSlots } from '../../engine/shapes/tensor-slots';
import { estimateTrainingMemory, judgeMemory } from '../../engine/train/memory-estimate';
import { stepKernelValues, usesGrid } from '../../engine/train/kernel-buffers';
import { nodeMemoryLimit } from '../../engine/train/memory-limit.node.js';
import type { WeightMap } from '../../engine/train/weights';
import { WorkerClient, type ClientEvent } from '../../engine/worker/client.node.js';
import type { EventOf, HyperparametersInput } from '../../engine/worker/protocol';
import type { Command, Io } from '../command';
import { CliError, EXIT } from '../errors';
import { loadProject, loadWeights } from '../files';
import { readCheckpointedRun, type CheckpointedRun, type RunArgs } from '../resume';
import { defaultCheckpointPath, probeWritable, removeCheckpoint, RUNS_FOLDER, writeFallback, writeOutput } from '../run-files';

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
  return d ? datasetRefOf(d, (path) => resolve(dirname(projectPath), path)) : null;
}

/** `--data`: a built-in source or an existing folder; anything else is bad input (exit 2) now, not a failed run later. */
function dataFromArg(arg: string): DatasetRef {
  const ref = parseDataArg(arg);
  if (ref.kind !== 'folder') return ref;
  const builtins = `built-in sources: ${BUILTIN_DATASETS.join(', ')}`;
  if (!existsSync(ref.path)) throw new CliError(`--data ${arg}: no such folder, and not a built-in source (${builtins})`);
  if (!statSync(ref.path).isDirectory()) throw new CliError(`--data ${arg}: not a folder (give the folder that holds the data files, or one of the ${builtins})`);
  return { ...ref, path: resolve(ref.path) };
}

/** A new run's settings, as the project's Train tab left them. */
function projectHyper(t: Project['training']): HyperparametersInput {
  return { ...runSettingsOf(t), checkpointEverySteps: 0, stopAtLoss: null };
}

/** Without a project, the graph comes from the checkpoint (every checkpoint carries its run's graph). */
function checkpointGraph(resumeFrom: string | undefined, resumed: CheckpointedRun | null): Graph {
  if (!resumeFrom || !resumed) throw new CliError('missing <project> (see convas train --help): only --resume <checkpoint> goes without one');
  if (resumed.graph) return resumed.graph;
  throw new CliError(`--resume ${resumeFrom}: the checkpoint's graph is not readable by this Convas (an older or damaged file): name the project too, convas train <project> --resume ${resumeFrom}`);
}

const describeData = (d: DatasetRef) => (d.kind === 'folder' ? d.path : d.kind);

export interface TrainPlan {
  graph: unknown;
  data: DatasetRef;
  hyper: HyperparametersInput;
  weights?: WeightMap;
  checkpoint?: string;
  /** --out as given (shown to the user) or taken from the resumed checkpoint. */
  out: string | null;
  keepCheckpoints: boolean;
  json: boolean;
  /** Kept in every checkpoint, so --resume continues this run. */
  runArgs: RunArgs;
  /** On --resume: what the run continues with, and which flags changed it. */
  echo: string[];
}

type Args = { positionals: string[]; value(n: string): string | undefined; flag(n: string): boolean };

/**
 * Project settings (or, with --resume, the checkpointed run's), then the command line's
 * overrides: what the worker is asked to do.
 */
export function planTraining(args: Args, resumed: CheckpointedRun | null = null): TrainPlan {
  const resumeFrom = args.value('resume');
  const projectPath: string | undefined = args.positionals[0];
  const project = projectPath === undefined ? null : loadProject(projectPath);
  // a project given with --resume trains its own graph; without one, the checkpoint's graph
  const graph = project ? project.graph : checkpointGraph(resumeFrom, resumed);
  const t = project?.training;
  const dataArg = args.value('data');
  const data = dataArg ? dataFromArg(dataArg) : resumed ? resumed.data : projectData(project!, projectPath!);
  if (!data) throw new CliError(`${projectPath} names no dataset: give --data ${BUILTIN_DATASETS.join(', --data ')} or --data <folder>`);
  // Shapes draws as many shapes as the classifier has outputs (2–10), as the Train tab does.
  if (data.kind === 'shapes' && data.classes === undefined) {
    const classes = shapesClassesFor(inferShapes(graph));
    if (classes !== undefined) data.classes = classes;
  }

  const lr = number('lr', args.value('lr'), (v) => v > 0 && v <= 1e3, 'a number in (0, 1000]');
  if (resumeFrom && args.value('weights')) throw new CliError('--weights and --resume cannot be used together: a checkpoint already holds the weights');
  const out = args.value('out') ?? resumed?.args?.out ?? null;
  const keepCheckpoints = args.flag('keep-checkpoints') || resumed?.args?.keepCheckpoints === true;
  const checkpointPath = resolve(args.value('checkpoint') ?? resumeFrom ?? defaultCheckpointPath(out, projectPath!));
  const normalize = args.value('normalize') as 'unit' | 'standardize' | 'none' | undefined;
  const base: HyperparametersInput = resumed ? { ...resumed.hyper } : projectHyper(project!.training);
  const hyper: HyperparametersInput = {
    ...base,
    epochs: number('epochs', args.value('epochs'), wholeAtLeast(1), 'a whole number ≥ 1') ?? base.epochs,
    batchSize: number('batch', args.value('batch'), wholeAtLeast(1), 'a whole number ≥ 1') ?? base.batchSize,
    optimizer: { ...base.optimizer, ...(lr !== undefined ? { lr } : {}) },
    seed: number('seed', args.value('seed'), (v) => wholeAtLeast(0)(v) && v <= 0xffffffff, 'a whole number from 0 to 4294967295') ?? base.seed,
    normalize: normalize ?? base.normalize,
    backend: (args.value('backend') as HyperparametersInput['backend']) ?? base.backend,
    checkpointPath,
    checkpointEverySteps: number('checkpoint-every', args.value('checkpoint-every'), wholeAtLeast(0), 'a whole number ≥ 0') ?? base.checkpointEverySteps ?? 0,
    checkpointEachEpoch: true,
    stopAtLoss: number('stop-at-loss', args.value('stop-at-loss'), (v) => v > 0, 'a positive number') ?? base.stopAtLoss ?? null,
  };

  let weights: WeightMap | undefined;
  const weightsPath = args.value('weights');
  if (weightsPath) {
    const file = loadWeights(weightsPath);
    try {
      weights = matchWeights(inferShapes(graph), file);
    } catch (e) {
      if (e instanceof FormatError) throw new CliError(`${weightsPath}: ${e.message}`);
      throw e;
    }
  }
  if (resumed) refuseOtherRun(resumeFrom!, resumed, data, hyper);
  const echo = resumed ? resumeEcho(resumeFrom!, resumed, { data, hyper, out, keepCheckpoints, checkpointPath }, args) : [];
  if (!dataArg && !resumed && t?.dataset?.name === 'fashion-mnist' && data.kind === 'mnist') {
    echo.push('Fashion-MNIST is not installed here (Debian/Ubuntu: apt install dataset-fashion-mnist): training on the built-in MNIST digits instead.');
  }
  return {
    graph,
    data,
    hyper,
    weights,
    checkpoint: resumeFrom ? resolve(resumeFrom) : undefined,
    out,
    keepCheckpoints,
    json: args.flag('json'),
    runArgs: { out: out ? resolve(out) : null, keepCheckpoints },
    echo,
  };
}

/**
 * Flags that would make a resumed run another run (its data order or optimizer differ) are bad
 * arguments: refused here, before a worker starts, naming both values.
 */
function refuseOtherRun(path: string, was: CheckpointedRun, data: DatasetRef, hyper: HyperparametersInput): void {
  const differ: string[] = [];
  if (JSON.stringify(was.data) !== JSON.stringify(data)) differ.push(`--data ${describeData(data)} (the run used ${describeData(was.data)})`);
  if (was.hyper.seed !== hyper.seed) differ.push(`--seed ${hyper.seed} (the run used ${was.hyper.seed})`);
  if (was.hyper.batchSize !== hyper.batchSize) differ.push(`--batch ${hyper.batchSize} (the run used ${was.hyper.batchSize})`);
  if (differ.length) throw new CliError(`--resume ${path}: ${differ.join(', ')}: a resumed run keeps its data, seed and batch size; leave these out, or start a new run without --resume`);
}

/** What a resumed run continues with, and every flag that changed the checkpointed run. */
function resumeEcho(path: string, was: CheckpointedRun, now: { data: DatasetRef; hyper: HyperparametersInput; out: string | null; keepCheckpoints: boolean; checkpointPath: string }, args: Args): string[] {
  const lines = [
    `Resuming ${path} at epoch ${was.epoch} after step ${was.step}: ${now.hyper.epochs} epochs on ${describeData(now.data)}, ${now.out ? `weights to ${now.out}` : 'weights not saved (no --out)'}, checkpoint ${now.checkpointPath}${now.keepCheckpoints ? ' (kept)' : ''}`,
  ];
  const wasHyper = was.hyper as unknown as Record<string, unknown>;
  const nowHyper = now.hyper as unknown as Record<string, unknown>;
  const changed: [string, unknown, unknown][] = [
    ['data', describeData(was.data), describeData(now.data)],
    ['epochs', wasHyper.epochs, nowHyper.epochs],
    ['batch', wasHyper.batchSize, nowHyper.batchSize],
    ['lr', was.hyper.optimizer.lr, now.hyper.optimizer.lr],
    ['seed', wasHyper.seed, nowHyper.seed],
    ['normalize', wasHyper.normalize, nowHyper.normalize],
    ['backend', wasHyper.backend, nowHyper.backend],
    ['checkpoint-every', wasHyper.checkpointEverySteps, nowHyper.checkpointEverySteps],
    ['stop-at-loss', wasHyper.stopAtLoss, nowHyper.stopAtLoss],
    ['out', was.args?.out ?? null, now.out ? resolve(now.out) : null],
  ];
  for (const [flag, before, after] of changed) {
    if (args.value(flag) !== undefined && JSON.stringify(before) !== JSON.stringify(after)) {
      lines.push(`  --${flag} ${args.value(flag)} overrides the checkpoint's ${before ?? 'none'}`);
    }
  }
  return lines;
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

/**
 * The weights file as a body for any path (--out or the fallback): the tensors, the run's metrics
 * and the preprocessing its inputs got, streamed — JSON for a `.json` name, binary otherwise.
 */
function weightsBody(plan: TrainPlan, finished: EventOf<'finished'>, preprocessing: Preprocessing | null): (path: string) => WriteBody {
  const graph = plan.graph as Project['graph'];
  const metrics = finished.metrics ? { ...finished.metrics, epochs: finished.epochs, steps: finished.globalStep } : undefined;
  const report = inferShapes(graph);
  return (path) => encodeWeightsFile(report, finished.weights as WeightMap, { metrics, preprocessing }, weightsFormatFor(path));
}

/** The end of a run, in words and an exit code: where the weights went, what happened to the checkpoint. */
async function saveResults(plan: TrainPlan, finished: EventOf<'finished'>, interrupted: boolean, preprocessing: Preprocessing | null): Promise<{ note: string; code: number }> {
  const checkpoint = plan.hyper.checkpointPath!;
  if (interrupted) {
    // partial weights never replace an earlier complete --out: the checkpoint holds this run
    const kept = plan.out ? ` ${plan.out} was not written (the run is incomplete).` : '';
    return { note: `${kept} Continue with --resume ${checkpoint}`, code: EXIT_INTERRUPTED };
  }
  if (plan.out) {
    const body = weightsBody(plan, finished, preprocessing);
    try {
      await writeOutput(plan.out, body(plan.out));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const fallback = await writeFallback(plan.out, body);
      return { note: ` Could not write ${plan.out} (${why}); the weights are saved to ${fallback} instead. The checkpoint is kept: ${checkpoint}`, code: EXIT.failed };
    }
  }
  // a short run may end before its first checkpoint: say "kept" only of a file that is there
  if (plan.keepCheckpoints && existsSync(checkpoint)) return { note: `${plan.out ? ` Weights: ${plan.out}.` : ' (no --out: weights not saved)'} Checkpoint kept: ${checkpoint}`, code: EXIT.ok };
  await removeCheckpoint(checkpoint);
  return { note: plan.out ? ` Weights: ${plan.out}` : ' (no --out: weights not saved)', code: EXIT.ok };
}

async function runTraining(plan: TrainPlan, io: Io): Promise<number> {
  // everything this run will write is checked before a single step
  if (plan.out) {
    await probeWritable(plan.out, '--out');
    const tooBig = weightsSizeProblem(plan.out, tensorSlots(inferShapes(plan.graph as Project['graph'])).reduce((n, t) => n + t.size, 0));
    if (tooBig) throw new CliError(`--out ${plan.out}: ${tooBig}`);
  }
  await probeWritable(plan.hyper.checkpointPath!, plan.checkpoint ? '--resume' : '--checkpoint');
  const say = (text: string) => (plan.json ? io.err(`${text}\n`) : io.out(`${text}\n`)); // stdout carries only JSON lines with --json
  for (const line of plan.echo) say(line);
  // training memory, before a single allocation: the worker refuses a run that cannot fit; near the limit, say so
  const report = inferShapes(plan.graph as Project['graph']);
  if (report.ok && typeof plan.hyper.batchSize === 'number' && plan.hyper.optimizer) {
    const kernels = stepKernelValues(report, plan.hyper.batchSize, usesGrid(plan.hyper.backend ?? 'auto'));
    const memory = judgeMemory(estimateTrainingMemory(report, { batch: plan.hyper.batchSize, optimizer: plan.hyper.optimizer.name, kernels }), nodeMemoryLimit(), plan.hyper.backend ?? null);
    if (memory.verdict === 'tight') io.err(`Warning: ${memory.message}\n`);
  }

  const client = WorkerClient.fork({ onOutput: (t) => io.err(t) });
  const progress = new Progress(io, !plan.json && process.stderr.isTTY === true);
  let epochs = typeof plan.hyper.epochs === 'number' ? plan.hyper.epochs : 0;
  let preprocessing: Preprocessing | null = null;
  let interrupted = 0;
  const onSigint = () => {
    interrupted++;
    if (interrupted === 1) {
      const note = 'Stopping after this step and writing a checkpoint… (Ctrl-C again to abandon the run)';
      if (plan.json) io.err(`${note}\n`);
      else progress.line(note);
      if (client.alive) client.send({ type: 'stop', checkpoint: true });
    } else {
      client.kill('SIGKILL');
    }
  };
  process.on('SIGINT', onSigint);
  const unsubscribe = client.on((e) => {
    if (e.type === 'ready') {
      epochs = e.epochs;
      preprocessing = e.dataset.preprocessing ?? null;
    }
    if (plan.json) {
      if (e.type === 'ready' || e.type === 'step' || e.type === 'epoch' || e.type === 'checkpoint' || e.type === 'finished') io.out(`${jsonLine(e)}\n`);
      return;
    }
    if (e.type === 'ready') progress.ready(e);
    else if (e.type === 'step') progress.step(e);
    else if (e.type === 'epoch') progress.epoch(e, epochs);
    else if (e.type === 'checkpoint' && e.reason === 'stop') progress.line(`Checkpoint written: ${e.path} (resume with --resume ${e.path})`);
  });
  try {
    client.send({
      type: 'start',
      graph: plan.graph,
      data: plan.data,
      hyper: plan.hyper,
      runArgs: { ...plan.runArgs },
      ...(plan.weights ? { weights: plan.weights } : {}),
      ...(plan.checkpoint ? { checkpoint: plan.checkpoint } : {}),
    });
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
    const { note, code } = await saveResults(plan, finished, finished.reason === 'stopped' && interrupted > 0, preprocessing);
    if (plan.json) {
      if (code !== EXIT.ok) io.err(`${note.trim()}\n`);
    } else {
      const how = finished.reason === 'stopped' ? 'Stopped' : finished.reason === 'target-loss' ? 'Reached the target loss' : 'Finished';
      const m = finished.metrics;
      const acc = m?.valAccuracy != null ? `, accuracy ${pct(m.valAccuracy)}` : '';
      const last = m ? ` Training loss ${num(m.trainLoss)}; validation loss ${num(m.valLoss)}${acc}.` : '';
      progress.line(`${how} after ${finished.epochs} epoch${finished.epochs === 1 ? '' : 's'} (${finished.globalStep} steps).${last}${note}`);
    }
    return code;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
    await client.close();
  }
}

export const train: Command = {
  name: 'train',
  summary: 'Train a project in the training worker, with progress, checkpoints and resume',
  positionals: [{ name: 'project', help: 'Project file (.convas.json): graph and training settings; with --resume it may be left out (the checkpoint holds the graph)', optional: true }],
  options: [
    { name: 'data', kind: 'value', valueName: '<source>', help: 'mnist (10,000 real digits, built in), fashion-mnist (where the system has it), shapes, kernel-fit, or a folder of MNIST IDX files, CIFAR-10 batches or class sub-folders of images (default: the project\'s)' },
    { name: 'epochs', kind: 'value', valueName: '<N>', help: 'Epochs to train (default: the project\'s)' },
    { name: 'batch', kind: 'value', valueName: '<N>', help: 'Batch size (default: the project\'s)' },
    { name: 'lr', kind: 'value', valueName: '<X>', help: 'Learning rate (default: the project\'s)' },
    { name: 'weights', kind: 'value', valueName: '<file>', help: 'Start from these weights instead of fresh ones' },
    { name: 'backend', kind: 'value', valueName: '<name>', help: 'Where kernels run (default: the project\'s)', choices: TRAIN_BACKENDS },
    { name: 'resume', kind: 'value', valueName: '<file>', help: 'Continue the run a checkpoint holds — its graph, epochs, data, --out and checkpoint settings — exactly as if it had not stopped (no <project> needed); flags given override (and are echoed)' },
    { name: 'out', kind: 'value', valueName: '<file>', help: 'Write the trained weights here: weights JSON for a .json name, binary (safetensors, any size) otherwise' },
    { name: 'checkpoint', kind: 'value', valueName: '<file>', help: `Checkpoint file (default: --resume's, else <out>.ckpt beside --out, else ${RUNS_FOLDER}/<project>.ckpt in the current folder); removed when the run finishes` },
    { name: 'keep-checkpoints', kind: 'flag', help: 'Keep the checkpoint after the run finishes (it is always kept when the run stops early or fails)' },
    { name: 'checkpoint-every', kind: 'value', valueName: '<N>', help: 'Also checkpoint every N steps (default: at epoch ends, at most every 5 s)' },
    { name: 'normalize', kind: 'value', valueName: '<mode>', help: 'Input scaling (default: the project\'s)', choices: ['unit', 'standardize', 'none'] },
    { name: 'seed', kind: 'value', valueName: '<N>', help: 'Seed of weights, data order and augmentation (default: the project\'s)' },
    { name: 'stop-at-loss', kind: 'value', valueName: '<X>', help: 'Stop once a step\'s training loss is below X' },
    { name: 'json', kind: 'flag', help: 'JSON lines on stdout: ready, step, epoch, checkpoint and finished events' },
  ],
  details: `--out and the checkpoint's folder are checked before training starts. If --out cannot be written at the end after all, the weights go to ${RUNS_FOLDER}/ (or the temp folder) and the message says where.
Ctrl-C stops after the current step, writes a checkpoint and exits with code ${EXIT_INTERRUPTED}, leaving --out as it was; a second Ctrl-C abandons the run.
Exit codes: 0 trained; 1 training failed (divergence, data, worker died) or --out could not be written at the end; 2 bad arguments or files (an unknown --data, a missing --resume checkpoint, an unwritable --out); ${EXIT_INTERRUPTED} interrupted.`,
  async run(args, io) {
    const resume = args.value('resume');
    return runTraining(planTraining(args, resume ? await readCheckpointedRun(resume) : null), io);
  },
};
