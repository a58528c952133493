/**
 * How many training steps go into one plan call (see `compileTrainSteps`). More steps per call
 * move the weights and optimizer slots across the JS/device boundary less often (once per call
 * each way), but a call cannot be interrupted: step events and checkpoints wait for its end, and a
 * pause or stop that comes meanwhile drops it (the session acts at once at the state before the
 * chunk and takes its batches again after a resume: worker/epoch.ts). So a
 * chunk is as long as fits in `targetSeconds` at the measured step time, never crosses an epoch's
 * end or a scheduled checkpoint, and is a power of two (few distinct plans to compile). Every
 * chunking gives the same weights bit for bit (tests/integration/train-chunk.test.ts), so this is
 * purely a speed/latency choice.
 */

import type { OptimizerName } from '../io/settings';
import { optimizerSlots } from './optimizers';
import type { TensorSlot } from './weights';

/**
 * Batches kept on the device for one call at most (they are the plan's per-step arguments), or as
 * much as the weights and optimizer state take when that is more: a network that big already
 * holds several copies of its state on the device, and its round trip is what chunks amortize.
 */
export const CHUNK_BATCH_BYTES = 128 * 1024 * 1024;
/** Longest chunk: beyond it the weights' round trip is under 1 % of what the batches move. */
export const MAX_CHUNK_STEPS = 256;
/** A chunk should finish within this, so step events stay prompt and a dropped chunk costs little. */
export const CHUNK_TARGET_SECONDS = 1;

const pow2floor = (n: number) => (n < 1 ? 1 : 2 ** Math.floor(Math.log2(n)));

/** The most steps per call for batches of `batchBytes` (inputs + targets) and `stateBytes` of weights and optimizer state. */
export function maxChunkSteps(batchBytes: number, stateBytes = 0): number {
  return Math.max(1, Math.min(MAX_CHUNK_STEPS, pow2floor(Math.max(CHUNK_BATCH_BYTES, stateBytes) / Math.max(1, batchBytes))));
}

/** Bytes of weights, BatchNorm statistics and optimizer slots: what crosses each way once per call. */
export function stateBytes(slots: readonly TensorSlot[], optimizer: OptimizerName): number {
  const perTrainable = 1 + optimizerSlots(optimizer).length;
  return slots.reduce((b, s) => b + s.size * 4 * (s.trainable ? perTrainable : 1), 0);
}

export interface ChunkInput {
  /** Steps left in the epoch. */
  left: number;
  /** Steps until the next scheduled checkpoint (Infinity: none). */
  toCheckpoint: number;
  /** From maxChunkSteps. */
  max: number;
  /** Seconds per step measured so far (null: nothing measured yet, so one step). */
  stepSeconds: number | null;
  /** A target loss is checked after every step: one step per call. */
  stopAtLoss: boolean;
}

export function chunkSteps(c: ChunkInput): number {
  if (c.stopAtLoss || c.stepSeconds === null) return 1;
  const byTime = c.stepSeconds > 0 ? CHUNK_TARGET_SECONDS / c.stepSeconds : Infinity;
  return pow2floor(Math.min(c.left, c.toCheckpoint, c.max, byTime));
}
