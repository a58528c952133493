/**
 * Writing a run's checkpoint: the run's whole state encoded (train/checkpoint.ts), put in the
 * host's store (a file, or memory in the browser, whose bytes then travel in the event), and
 * announced with a `checkpoint` event.
 */
import { encodeCheckpointChunks } from '../train/checkpoint';
import { event } from './protocol';
import { RunError, type Run, type SessionHost } from './run';

export type CheckpointReason = 'interval' | 'epoch' | 'request' | 'stop';

/** Scheduled checkpoints need somewhere to go: a path, or a store that keeps them itself. */
export function autoCheckpoints(r: Run, host: SessionHost): boolean {
  return r.hyper.checkpointPath !== null || !host.store.durable;
}

export async function writeCheckpoint(r: Run, host: SessionHost, reason: CheckpointReason): Promise<void> {
  const chunks = encodeCheckpointChunks({
    epoch: r.epoch,
    step: r.step,
    globalStep: r.globalStep,
    rng: r.rng.getState(),
    accum: { ...r.accum },
    lastMetrics: r.lastMetrics,
    normalization: r.pipeline.normalization,
    run: { graph: r.graph, data: r.data, hyper: r.hyper, preprocessing: r.pipeline.preprocessing, ...(r.runArgs ? { args: r.runArgs } : {}) },
    weights: r.weights,
    optimizerState: r.optimizerState,
  }, host.store.crc32);
  let path: string;
  try {
    // the chunks alias the live tensors: written before training goes on
    path = await host.store.write(r.hyper.checkpointPath, chunks);
  } catch (e) {
    throw new RunError((e as Error).message, 'checkpoint');
  }
  r.lastCheckpoint = { path, epoch: r.epoch, step: r.step };
  r.lastCheckpointAt = host.now();
  host.post(
    event({
      type: 'checkpoint',
      path,
      epoch: r.epoch + 1,
      step: r.step,
      globalStep: r.globalStep,
      reason,
      ...(host.store.durable ? {} : { bytes: await host.store.read(path) }),
    }),
  );
}
