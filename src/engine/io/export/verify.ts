/**
 * Checking an export against Convas: the same batch of inputs through Convas's own inference and
 * through the exported model in its target runtime; the largest absolute difference decides.
 */
import { Rng } from '../../util/rng';
import type { ExportPlan } from './plan';

/** The bar an export must clear, relative to the outputs' size (softmax outputs: absolute 1e-4). */
export const VERIFY_TOLERANCE = 1e-4;

export interface Verification {
  /** What ran the exported model, e.g. "onnxruntime-web 1.22.0 (wasm)". */
  runtime: string;
  /** Largest |exported − Convas| over the batch; 0 for a check that compares stored numbers. */
  maxAbsDiff: number;
  /** The largest difference allowed: VERIFY_TOLERANCE · max(1, max |Convas output|). */
  tolerance: number;
  ok: boolean;
  /** What was compared: "outputs of 2 inputs (seeded random)" or "weights read back". */
  what: string;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`the exported model gave ${a.length} values, Convas ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN on either side is never a match
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export function verification(runtime: string, what: string, got: ArrayLike<number>, reference: ArrayLike<number>): Verification {
  let scale = 1;
  for (let i = 0; i < reference.length; i++) scale = Math.max(scale, Math.abs(reference[i]));
  const diff = maxAbsDiff(got, reference);
  const tolerance = VERIFY_TOLERANCE * scale;
  return { runtime, maxAbsDiff: diff, tolerance, ok: diff <= tolerance, what };
}

/** A batch of seeded standard-normal inputs, [batch, ...input shape], flat. */
export function randomBatch(plan: ExportPlan, batch: number, seed = 1): Float32Array {
  const rng = new Rng(seed);
  const n = batch * plan.input.outShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

export function describeVerification(v: Verification): string {
  const status = v.ok ? 'verified' : 'VERIFICATION FAILED';
  return `${status} with ${v.runtime}: ${v.what}, largest difference from Convas ${v.maxAbsDiff.toExponential(2)} (allowed ${v.tolerance.toExponential(2)})`;
}
