/**
 * What the bench modules hand each other (a leaf: convas.ts runs training, breakdown.ts splits a
 * step into parts, measure.ts and report.ts turn both into rows — none imports another's types).
 */
import type { TrainSteps } from '../src/engine/train/network';
import type { WeightMap } from '../src/engine/train/weights';
import type { Rng } from '../src/engine/util/rng';

/** A workload ready to train on one device (bench/convas.ts prepareTraining). */
export interface ConvasTraining {
  /** The one-step plan (the breakdown measures its parts). */
  step: TrainSteps;
  stepsPerCall: number;
  x: Float32Array;
  targets: Float32Array;
  weights: WeightMap;
  optimizerState: WeightMap;
  rng: Rng;
  t: number;
  /** `n` training steps, weights and slots carried over: chunks of `stepsPerCall`, the rest in powers of two. Returns the last loss. */
  run(n: number): Promise<number>;
  /** Bytes moved between JS and the device so far, all plans together. */
  bytesMoved(): number;
  /** The chunk plans that ran (steps per call → plan): each must have run fused, on the backend asked for. */
  plans(): Map<number, TrainSteps>;
  destroy(): void;
}

export interface LayerCost {
  node: string;
  type: string;
  forwardMs: number;
  /** For the output layer: the loss and its gradient. */
  backwardMs: number;
}

export interface StepBreakdown {
  workload: string;
  backend: string;
  threads: number;
  batch: number;
  stepMs: number;
  layers: LayerCost[];
  updateMs: number;
  uploadMs: number;
  readbackMs: number;
  /** Steps per plan call the upload and readback are shared by. */
  stepsPerCall: number;
  /** stepMs minus every part above (dispatch, JS glue, noise; may be negative under load). */
  restMs: number;
}
