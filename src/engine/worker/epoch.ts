/**
 * An epoch of a run: its steps from where it stands, a chunk of steps per plan call
 * (`chunking.ts`), with step events and the epoch's sums; and the ONE validation loop, used
 * after each epoch and by the `evaluate` request.
 */
import type { Batch } from '../data/pipeline';
import { size } from '../layers/spec';
import { chunkSteps, maxChunkSteps, stateBytes } from '../train/chunking';
import { MetricsAccumulator } from '../train/metrics';
import { compileTrainSteps, type TrainSteps } from '../train/network';
import { divergedInChunk } from './diagnosis';
import { event } from './protocol';
import { RunError, trainingPlans, type Run, type SessionHost } from './run';

/** Chunk plans (besides the one-step plan) kept compiled at once. */
const MAX_CHUNK_PLANS = 2;

/** Run device work after whatever is in flight (the device runs one plan at a time). */
export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>;

/** What an epoch needs from the session around it. */
export interface EpochContext {
  run: Run;
  host: SessionHost;
  exclusive: Exclusive;
  /** Between chunks: let messages in, honour pause and stop. True when stopping. */
  gate(): Promise<boolean>;
  /** Settles when a pause or stop is requested (at once if one is pending). */
  interrupted(): Promise<void>;
  /** Whether scheduled checkpoints have somewhere to go. */
  autoCheckpoints(): boolean;
  /** After a chunk: write the checkpoint an interval has reached, or one requested. */
  checkpointAfterChunk(intervalReached: boolean): Promise<void>;
}

/** The steps of the epoch in progress, from where it stands, a chunk of steps per plan call. */
export async function trainEpoch(ctx: EpochContext): Promise<'done' | 'stopped' | 'target-loss'> {
  const { run: r, host } = ctx;
  const { hyper, pipeline } = r;
  const { graph } = trainingPlans(r, 'training').train;
  const batches = pipeline.trainBatches(r.epoch, r.step);
  const inSize = size(graph.input.outputShape!);
  const maxSteps = maxChunkSteps(hyper.batchSize * (inSize + size(graph.output!.outputShape!)) * 4, stateBytes(graph.slots, hyper.optimizer.name));
  // samples/s over the steps since the last step event
  let windowStart = host.now();
  let windowSamples = 0;
  // a chunk whose call a pause or stop cut short: taken again, the same batches, after a resume
  let retake: (Batch & { step: number })[] | null = null;
  for (;;) {
    const beforeGate = host.now();
    if (await ctx.gate()) return 'stopped';
    // training time only: the gate (a pause, the page's messages) is neither the live rate's nor the epoch's
    const chunkStart = host.now();
    windowStart += chunkStart - beforeGate;
    const every = hyper.checkpointEverySteps;
    const want = chunkSteps({
      left: pipeline.stepsPerEpoch - r.step,
      toCheckpoint: ctx.autoCheckpoints() && every > 0 ? every - (r.globalStep % every) : Infinity,
      max: maxSteps,
      stepSeconds: r.stepSeconds,
      stopAtLoss: hyper.stopAtLoss !== null,
    });
    // a retaken chunk keeps its length (and so its plan): the same steps, bit for bit
    const chunk: (Batch & { step: number })[] = retake ?? [];
    const fresh = retake === null;
    retake = null;
    while (fresh && chunk.length < want) {
      let next: IteratorResult<Batch & { step: number }>;
      try {
        next = await batches.next();
      } catch (e) {
        throw new RunError(`reading training data, epoch ${r.epoch + 1}, step ${r.step + chunk.length + 1}: ${(e as Error).message}`, 'data');
      }
      if (next.done) break;
      chunk.push(next.value);
    }
    if (chunk.length === 0) return 'done';
    const plan = chunkPlan(r, chunk.length);
    const started = host.now();
    const running = ctx.exclusive(() =>
      plan.run({ batches: chunk, weights: r.weights, optimizerState: r.optimizerState, firstStep: r.globalStep + 1, seed: r.randomSeed }),
    );
    // A plan call cannot be interrupted, and a chunk (or one slow step) can take seconds: a pause
    // or stop acts now, at the state before the chunk — its result is dropped when the device ends
    // it, and the same batches are taken again after a resume (same weights, bit for bit).
    const out = await Promise.race([running, ctx.interrupted().then(() => null)]);
    if (out === null) {
      running.catch(() => undefined);
      retake = chunk;
      continue;
    }
    const bad = out.losses.findIndex((l) => !Number.isFinite(l));
    if (bad >= 0) throw await divergedInChunk(r, ctx.exclusive, chunk, bad);
    const ended = host.now();
    r.stepSeconds = (ended - started) / 1000 / chunk.length;
    r.weights = out.weights;
    r.optimizerState = out.optimizerState;
    // reading the batches counts, as it does in the live rate
    r.accum.seconds += (ended - chunkStart) / 1000;
    for (let k = 0; k < chunk.length; k++) {
      const batch = chunk[k];
      const loss = out.losses[k];
      r.globalStep++;
      r.step++;
      r.accum.lossSum += loss;
      r.accum.steps++;
      r.accum.samples += batch.count;
      if (r.classifier) r.accum.correct += out.corrects[k];
      windowSamples += batch.count;
      if (r.globalStep % hyper.stepMetricsEvery === 0) {
        // the steps of a chunk end together: spread its time evenly over them
        const now = started + ((ended - started) * (k + 1)) / chunk.length;
        const seconds = (now - windowStart) / 1000;
        host.post(
          event({
            type: 'step',
            epoch: r.epoch + 1,
            step: r.step,
            stepsPerEpoch: pipeline.stepsPerEpoch,
            globalStep: r.globalStep,
            loss,
            accuracy: r.classifier ? out.corrects[k] / batch.count : null,
            samplesPerSec: seconds > 0 ? windowSamples / seconds : 0,
          }),
        );
        windowStart = now;
        windowSamples = 0;
      }
    }
    await ctx.checkpointAfterChunk(ctx.autoCheckpoints() && every > 0 && r.globalStep % every === 0);
    // chunks are one step long when a target loss is set
    if (hyper.stopAtLoss !== null && out.losses[chunk.length - 1] < hyper.stopAtLoss) return 'target-loss';
  }
}

/** The plan for `steps` steps per call, compiled on first use. */
function chunkPlan(r: Run, steps: number): TrainSteps {
  let plan = r.chunks.get(steps);
  if (plan) {
    // most recently used last
    r.chunks.delete(steps);
  } else {
    // every plan holds its own device buffers (a VGG-16 step's activations are hundreds of MB):
    // keep the one-step plan and the two chunk sizes used last, release the rest
    const others = [...r.chunks.keys()].filter((k) => k !== 1);
    for (const k of others.slice(0, Math.max(0, others.length - (MAX_CHUNK_PLANS - 1)))) {
      r.chunks.get(k)!.destroy();
      r.chunks.delete(k);
    }
    const optimizer = { ...r.hyper.optimizer, weightDecay: r.hyper.weightDecay };
    plan = compileTrainSteps(r.graph, r.device, { batch: r.hyper.batchSize, optimizer, steps, report: r.report });
  }
  r.chunks.set(steps, plan);
  return plan;
}

/** The validation split through the current weights: loss, accuracy (and per sample, when asked). */
export async function validate(r: Run, exclusive: Exclusive, perSample = false): Promise<MetricsAccumulator> {
  const plans = trainingPlans(r, 'validation');
  const output = plans.train.graph.output!;
  const acc = new MetricsAccumulator(r.classifier ? r.dataset.classes!.length : null, size(output.outputShape!), perSample);
  for await (const b of r.pipeline.valBatches()) {
    const out = await exclusive(() => plans.validate.run(b.x, r.weights));
    acc.add(out[output.id], b.targets, b.count);
  }
  return acc;
}

/** After an epoch's steps: validate, record its metrics and report them. */
export async function endEpoch(r: Run, host: SessionHost, exclusive: Exclusive): Promise<void> {
  let acc: MetricsAccumulator;
  try {
    acc = await validate(r, exclusive);
  } catch (e) {
    throw new RunError(`validation after epoch ${r.epoch + 1}: ${(e as Error).message}`, 'validation');
  }
  const a = r.accum;
  r.lastMetrics = {
    epoch: r.epoch + 1,
    trainLoss: a.steps > 0 ? a.lossSum / a.steps : NaN,
    trainAccuracy: r.classifier && a.samples > 0 ? a.correct / a.samples : null,
    // an overflowing validation loss has no number to report (JSON has no ∞)
    valLoss: acc.loss !== null && Number.isFinite(acc.loss) ? acc.loss : null,
    valAccuracy: acc.accuracy,
  };
  host.post(event({ type: 'epoch', ...r.lastMetrics, seconds: a.seconds, samplesPerSec: a.seconds > 0 ? a.samples / a.seconds : 0 }));
}
