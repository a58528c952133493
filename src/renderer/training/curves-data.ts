/**
 * Curve columns: empty, cut back to a checkpoint (a resumed run repeats nothing), and thinned
 * for storage (a long run's hundred thousand steps keep their shape in a few thousand points).
 */
import type { Curves } from '../platform/training';

/** Step points kept per stored run. */
export const MAX_STORED_STEPS = 4000;

export function emptyCurves(): Curves {
  return { step: { globalStep: [], at: [], loss: [], accuracy: [] }, epoch: [] };
}

export function cloneCurves(c: Curves): Curves {
  return {
    step: { globalStep: [...c.step.globalStep], at: [...c.step.at], loss: [...c.step.loss], accuracy: [...c.step.accuracy] },
    epoch: c.epoch.map((p) => ({ ...p })),
  };
}

/** Steps up to `globalStep` and the epochs finished by then. */
export function truncateCurves(c: Curves, globalStep: number): Curves {
  const out = cloneCurves(c);
  const keep = out.step.globalStep.findIndex((g) => g > globalStep);
  if (keep >= 0) {
    out.step.globalStep.length = keep;
    out.step.at.length = keep;
    out.step.loss.length = keep;
    out.step.accuracy.length = keep;
  }
  const lastAt = out.step.at.length ? out.step.at[out.step.at.length - 1] : 0;
  // whole epochs done by then (lastAt is exactly 2 at the end of epoch 2, 1.5 halfway through it)
  out.epoch = out.epoch.filter((p) => p.epoch <= Math.floor(lastAt + 1e-9));
  return out;
}

/**
 * At most `max` step points: each kept point is the mean of its bucket (so noise averages out
 * instead of aliasing), and the last point is always the last step.
 */
export function downsampleCurves(c: Curves, max = MAX_STORED_STEPS): Curves {
  const n = c.step.globalStep.length;
  if (n <= max) return cloneCurves(c);
  const out = emptyCurves();
  out.epoch = c.epoch.map((p) => ({ ...p }));
  const size = n / max;
  for (let b = 0; b < max; b++) {
    const lo = Math.floor(b * size);
    const hi = Math.max(lo + 1, Math.floor((b + 1) * size));
    let loss = 0;
    let acc = 0;
    let accN = 0;
    for (let i = lo; i < hi; i++) {
      loss += c.step.loss[i];
      const a = c.step.accuracy[i];
      if (a !== null) {
        acc += a;
        accN++;
      }
    }
    out.step.globalStep.push(c.step.globalStep[hi - 1]);
    out.step.at.push(c.step.at[hi - 1]);
    out.step.loss.push(loss / (hi - lo));
    out.step.accuracy.push(accN ? acc / accN : null);
  }
  return out;
}
