/**
 * Divergence diagnosis: a NaN/∞ loss becomes an error naming where it happened and the first
 * layer whose output is not finite on the failing batch. The probe plans compile from the run's
 * already-checked shape report.
 */
import type { Batch } from '../data/pipeline';
import { compileInference, type Inference } from '../train/network';
import { tensorSlots } from '../train/weights';
import type { Exclusive } from './epoch';
import { RunError, trainingPlans, type Run } from './run';

/** All outputs at `batch` (1 for the infer request, the training batch here), compiled on first use. */
export function probe(r: Run, batch: number): Inference {
  let p = r.probe.get(batch);
  if (!p) r.probe.set(batch, (p = compileInference(r.graph, r.device, { batch, allOutputs: true, report: r.report })));
  return p;
}

/**
 * Step `bad` of a chunk had a non-finite loss: replay the steps before it one at a time (each
 * gives the same numbers as in the chunk) so the weights are those the failing step started
 * from, then diagnose as for a single step.
 */
export async function divergedInChunk(r: Run, exclusive: Exclusive, chunk: (Batch & { step: number })[], bad: number): Promise<RunError> {
  const { train } = trainingPlans(r, 'diagnosis');
  for (let k = 0; k < bad; k++) {
    const out = await exclusive(() =>
      train.run({ batches: [chunk[k]], weights: r.weights, optimizerState: r.optimizerState, firstStep: r.globalStep + 1, seed: r.randomSeed }),
    );
    r.weights = out.weights;
    r.optimizerState = out.optimizerState;
    r.globalStep++;
    r.step++;
  }
  const out = await exclusive(() =>
    train.run({ batches: [chunk[bad]], weights: r.weights, optimizerState: r.optimizerState, firstStep: r.globalStep + 1, seed: r.randomSeed }),
  );
  return diverged(r, exclusive, out.losses[0], chunk[bad]);
}

/** A NaN/∞ loss: find the first layer whose output is not finite on the failing batch. */
async function diverged(r: Run, exclusive: Exclusive, loss: number, batch: Batch): Promise<RunError> {
  const where = `epoch ${r.epoch + 1}, step ${r.step + 1} (step ${r.globalStep + 1} of the run)`;
  const hint = `try a lower learning rate (now ${r.hyper.optimizer.lr})`;
  for (const s of tensorSlots(r.report)) {
    const t = r.weights[s.key];
    if (t && !t.every(Number.isFinite)) {
      return new RunError(`training diverged at ${where}: the loss is ${loss}; tensor ${s.key} already holds non-finite values — ${hint}`, 'step', s.node);
    }
  }
  let culprit: string | null = null;
  try {
    const p = probe(r, r.hyper.batchSize);
    const outs = await exclusive(() => p.run(batch.x, r.weights));
    culprit = r.report.nodes.map((n) => n.id).find((id) => !outs[id].every(Number.isFinite)) ?? null;
  } catch {
    // the diagnosis is a courtesy: the divergence itself is what gets reported
  }
  const output = trainingPlans(r, 'diagnosis').train.graph.output!;
  const batchNorm = r.report.nodes.some((n) => n.type === 'BatchNorm') ? ' (or a BatchNorm batch statistic, which inference does not use)' : '';
  const layer = culprit
    ? `the first non-finite value is in the output of layer ${culprit} (${r.report.byId.get(culprit)!.type})`
    : `every layer's output is finite in an inference pass: the loss of ${output.id} (${output.type}) overflowed${batchNorm}`;
  return new RunError(`training diverged at ${where}: the loss is ${loss}; ${layer} — ${hint}`, 'step', culprit ?? output.id);
}
