/**
 * `convas train --resume <ckpt>`: what the checkpointed run was — its graph, hyperparameters, data
 * and the command line's own arguments (--out, --keep-checkpoints) — so resuming continues that
 * run rather than the project's defaults, with no project needed. Any problem with the file is
 * bad input (exit 2).
 */
import { CheckpointError } from '../engine/train/checkpoint';
import { fileCheckpointStore } from '../engine/train/checkpoint-file.node.js';
import type { DatasetRef } from '../engine/data/ref';
import { parseGraph } from '../engine/graph/validate';
import type { Graph } from '../engine/graph/types';
import { DatasetRefSchema } from '../engine/data/ref';
import { HyperparametersSchema, type Hyperparameters } from '../engine/worker/protocol';
import { CliError } from './errors';

/** The CLI's arguments as a checkpoint keeps them (`run.args`). */
export interface RunArgs {
  out: string | null;
  keepCheckpoints: boolean;
}

export interface CheckpointedRun {
  hyper: Hyperparameters;
  data: DatasetRef;
  /** Null for checkpoints written by the app or by an older CLI. */
  args: RunArgs | null;
  /** The run's graph, so `--resume` needs no project; null when the checkpoint's is not readable. */
  graph: Graph | null;
  /** 1-based epoch in progress and steps done in it, for the echo. */
  epoch: number;
  step: number;
}

export async function readCheckpointedRun(path: string): Promise<CheckpointedRun> {
  let state;
  try {
    state = await fileCheckpointStore.load(path); // piece by piece: no whole-file buffer at any size
  } catch (e) {
    if (e instanceof CheckpointError) throw new CliError(`--resume ${e.message}`);
    throw e;
  }
  const hyper = HyperparametersSchema.safeParse(state.run.hyper);
  const data = DatasetRefSchema.safeParse(state.run.data);
  if (!hyper.success || !data.success) {
    throw new CliError(`--resume ${path}: the checkpoint's run settings are not readable by this Convas (${(hyper.error ?? data.error)!.issues[0].message})`);
  }
  const a = state.run.args;
  const args: RunArgs | null =
    a && typeof a === 'object' ? { out: typeof a.out === 'string' ? a.out : null, keepCheckpoints: a.keepCheckpoints === true } : null;
  return { hyper: hyper.data, data: data.data, args, graph: readableGraph(state.run.graph), epoch: state.epoch + 1, step: state.step };
}

function readableGraph(raw: unknown): Graph | null {
  try {
    return parseGraph(raw);
  } catch {
    return null;
  }
}
