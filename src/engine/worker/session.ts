/**
 * The training session: one run of one graph on one dataset, driven by protocol commands and
 * reporting protocol events. Written once for every host — the Node worker (Electron utility
 * process or forked child) and the browser's Web Worker — which inject the device, the dataset
 * opener, the checkpoint store and the way to let incoming messages in between steps.
 *
 * Determinism: weights start from the run's seed; the batch order and augmentation depend only
 * on (seed, epoch, step); dropout draws are made on the device from (seed, step, layer, element).
 * So pausing changes nothing, and a run resumed from a checkpoint — in a new process, after a
 * restart — takes exactly the steps the uninterrupted run takes.
 *
 * Steps run in chunks (several steps per plan call, `chunking.ts`): the weights and optimizer
 * slots stay on the device through a chunk and cross to JavaScript once at its end, where
 * checkpoints and requests are taken. Any chunking gives the same weights bit for bit. Pause and
 * stop do not wait for a chunk: they act at once at the state before it (its result is dropped,
 * its batches taken again after a resume), so they answer within a message's time.
 *
 * This file is the message loop: commands in, the run's life (start, pause, stop, finish),
 * when checkpoints are taken, and errors out. Opening a run is `run.ts`, an epoch and validation
 * `epoch.ts`, divergence `diagnosis.ts`, the evaluate/infer/saliency answers `requests.ts`,
 * writing a checkpoint `checkpoint-write.ts`.
 *
 * A preview run (`start` with `preview: true`) never enters the loop: after `ready` it holds its
 * weights and data and answers requests (`infer`, `saliency`, `getWeights`) until `stop`; pause and
 * resume mean nothing to it, and it has nothing to checkpoint or evaluate.
 */
import { DeviceLostError } from '../backend/device-lost';
import { DatasetError } from '../data/types';
import { GraphError } from '../graph/errors';
import { CheckpointError } from '../train/checkpoint';
import { autoCheckpoints, writeCheckpoint, type CheckpointReason } from './checkpoint-write';
import { endEpoch, trainEpoch, type EpochContext } from './epoch';
import { errorEvent, event, parseCommand, type ParsedCommand } from './protocol';
import { evaluate, explain, infer } from './requests';
import { closeRun, copyMap, freshAccum, openRun, RunError, type Phase, type Run, type SessionHost, type StartCommand } from './run';

export type { SessionHost } from './run';

export class TrainingSession {
  private run: Run | null = null;
  private state: 'idle' | 'starting' | 'running' | 'paused' | 'previewing' | 'ended' = 'idle';
  private pauseRequested = false;
  private stopRequested: { checkpoint: boolean } | null = null;
  private checkpointRequested = false;
  private wake: (() => void) | null = null;
  /** Settles the chunk in flight's wait (EpochContext.interrupted) when a pause or stop comes. */
  private interrupt: (() => void) | null = null;
  /** One device user at a time: requests wait for the step in flight. */
  private deviceQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: SessionHost) {}

  /** Entry point for every incoming message. Never throws: problems become error events. */
  handle(raw: unknown): void {
    let cmd: ParsedCommand;
    try {
      cmd = parseCommand(raw);
    } catch (e) {
      this.postError((e as Error).message, 'command', null);
      return;
    }
    switch (cmd.type) {
      case 'start':
        if (this.state === 'starting' || this.state === 'running' || this.state === 'paused' || this.state === 'previewing') {
          this.postError('a run is already in progress: stop it before starting another', 'command', null);
          return;
        }
        this.state = 'starting';
        void this.start(cmd);
        return;
      case 'pause':
        // honoured at once: a chunk in flight is dropped and taken again after a resume (epoch.ts)
        if (this.state === 'running' || this.state === 'starting') {
          this.pauseRequested = true;
          this.interrupt?.();
        }
        return;
      case 'resume':
        if (this.pauseRequested || this.state === 'paused') {
          this.pauseRequested = false;
          this.wake?.();
        }
        return;
      case 'stop':
        if (this.state === 'previewing') {
          this.stopRequested = { checkpoint: false };
          void this.finish('stopped');
          return;
        }
        if (this.state === 'starting' || this.state === 'running' || this.state === 'paused') {
          this.stopRequested = { checkpoint: cmd.checkpoint };
          this.interrupt?.();
          this.wake?.();
        }
        return;
      case 'checkpoint':
        this.checkpointRequested = true;
        // a running loop takes it after the step in flight; otherwise now
        if (this.state !== 'running' && this.state !== 'starting') void this.writeRequestedCheckpoint();
        return;
      case 'evaluate':
        void this.request(cmd.requestId, (r) => evaluate(r, this.host, this.exclusive, cmd.requestId));
        return;
      case 'infer':
        void this.request(cmd.requestId, (r) => infer(r, this.host, this.exclusive, cmd.requestId, cmd.x, cmd.sample));
        return;
      case 'saliency':
        void this.request(cmd.requestId, (r) => explain(r, this.host, this.exclusive, cmd.requestId, cmd.sample, cmd.classIndex));
        return;
      case 'getWeights':
        void this.request(cmd.requestId, async (r) => {
          this.host.post(event({ type: 'weights', requestId: cmd.requestId, weights: copyMap(r.weights) }));
        });
        return;
    }
  }

  // ---- start -------------------------------------------------------------------------------

  private async start(cmd: StartCommand): Promise<void> {
    this.pauseRequested = false;
    this.stopRequested = null;
    this.checkpointRequested = false;
    try {
      // a chunk a stop cut short may still run on the last run's device: let it end first
      await this.deviceQueue;
      this.disposeRun();
      this.run = await openRun(cmd, this.host);
    } catch (e) {
      this.state = 'ended';
      this.fail(e, 'start');
      return;
    }
    const r = this.run;
    this.host.post(
      event({
        type: 'ready',
        backend: r.device.mode,
        requested: r.device.requested,
        adapter: r.device.adapter,
        dataset: {
          name: r.dataset.name,
          classes: r.dataset.classes,
          inputShape: r.dataset.inputShape,
          trainCount: r.pipeline.trainCount,
          valCount: r.pipeline.valCount,
          stepsPerEpoch: r.pipeline.stepsPerEpoch,
          preprocessing: r.pipeline.preprocessing,
        },
        epochs: r.hyper.epochs,
        resumedFrom: cmd.checkpoint !== undefined ? { epoch: r.epoch + 1, step: r.step } : null,
      }),
    );
    if (this.stopRequested) {
      await this.finish('stopped');
      return;
    }
    if (r.preview) {
      // forward only: it answers requests from here on, until a stop
      this.state = 'previewing';
      if (this.checkpointRequested) await this.writeRequestedCheckpoint();
      return;
    }
    this.state = 'running';
    try {
      await this.loop();
    } catch (e) {
      this.state = 'ended';
      r.failed = true;
      this.fail(e, 'step');
    }
  }

  // ---- the loop ----------------------------------------------------------------------------

  private async loop(): Promise<void> {
    const r = this.run!;
    const { hyper } = r;
    const ctx: EpochContext = {
      run: r,
      host: this.host,
      exclusive: this.exclusive,
      gate: () => this.gate(),
      interrupted: () =>
        new Promise<void>((resolve) => {
          if (this.pauseRequested || this.stopRequested) resolve();
          else this.interrupt = resolve;
        }),
      autoCheckpoints: () => this.autoCheckpoints(),
      checkpointAfterChunk: async (intervalReached) => {
        if (intervalReached) await this.checkpoint('interval');
        if (this.checkpointRequested) await this.writeRequestedCheckpoint();
      },
    };
    while (r.epoch < hyper.epochs) {
      const outcome = await trainEpoch(ctx);
      if (outcome === 'stopped') return this.finish('stopped');
      await endEpoch(r, this.host, this.exclusive);
      // the next epoch begins here: a checkpoint taken now resumes at its first step
      r.epoch++;
      r.step = 0;
      r.accum = freshAccum();
      if (outcome === 'target-loss') return this.finish('target-loss');
      const sinceLast = (this.host.now() - r.lastCheckpointAt) / 1000;
      if (this.autoCheckpoints() && hyper.checkpointEachEpoch && r.epoch < hyper.epochs && sinceLast >= hyper.checkpointMinSeconds) {
        await this.checkpoint('epoch');
      }
    }
    return this.finish('completed');
  }

  /** Between steps: let messages in, honour pause (waiting) and stop. True when stopping. */
  private async gate(): Promise<boolean> {
    this.interrupt = null;
    await this.host.yieldToEvents();
    if (this.pauseRequested && !this.stopRequested) {
      const r = this.run!;
      this.state = 'paused';
      this.host.post(event({ type: 'paused', epoch: r.epoch + 1, step: r.step }));
      if (this.checkpointRequested) await this.writeRequestedCheckpoint();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      if (!this.stopRequested) {
        this.state = 'running';
        this.host.post(event({ type: 'resumed' }));
      }
    }
    return this.stopRequested !== null;
  }

  private async finish(reason: 'completed' | 'stopped' | 'target-loss'): Promise<void> {
    const r = this.run!;
    if (reason === 'stopped' && this.stopRequested?.checkpoint && !r.preview) {
      try {
        await this.checkpoint('stop');
      } catch (e) {
        this.fail(e, 'checkpoint');
      }
    }
    this.state = 'ended';
    this.stopRequested = null;
    this.host.post(
      event({
        type: 'finished',
        reason,
        weights: copyMap(r.weights),
        // epochs completed (a target-loss stop ends and validates the epoch it is in)
        epochs: r.epoch,
        globalStep: r.globalStep,
        metrics: r.lastMetrics && Number.isFinite(r.lastMetrics.trainLoss) ? r.lastMetrics : null,
      }),
    );
  }

  // ---- checkpoints -------------------------------------------------------------------------

  private autoCheckpoints(): boolean {
    return autoCheckpoints(this.run!, this.host);
  }

  private checkpoint(reason: CheckpointReason): Promise<void> {
    return writeCheckpoint(this.run!, this.host, reason);
  }

  private async writeRequestedCheckpoint(): Promise<void> {
    this.checkpointRequested = false;
    if (!this.run) {
      this.postError('no run to checkpoint: start one first', 'request', null);
      return;
    }
    if (this.run.preview) {
      this.postError('a preview run (forward only) has no training to checkpoint', 'request', null);
      return;
    }
    if (this.run.failed) {
      // its weights are the ones that failed: writing them would replace the last good checkpoint
      this.postError(`the run failed; the last good checkpoint is kept${this.run.lastCheckpoint ? ` (${this.run.lastCheckpoint.path})` : ''}`, 'request', null);
      return;
    }
    try {
      await this.checkpoint('request');
    } catch (e) {
      this.fail(e, 'checkpoint');
    }
  }

  // ---- requests ----------------------------------------------------------------------------

  private async request(requestId: number, fn: (r: Run) => Promise<void>): Promise<void> {
    try {
      await fn(this.requireRun());
    } catch (e) {
      this.postError(e instanceof Error ? e.message : String(e), 'request', null, requestId);
    }
  }

  private requireRun(): Run {
    if (!this.run) throw new RunError('no run yet: send start first', 'request');
    return this.run;
  }

  /** Run device work after whatever is in flight (the device runs one plan at a time). */
  private readonly exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = this.deviceQueue.then(fn, fn);
    this.deviceQueue = p.catch(() => undefined);
    return p;
  };

  // ---- errors ------------------------------------------------------------------------------

  private fail(e: unknown, phase: Phase): void {
    const r = this.run;
    const message = e instanceof Error ? e.message : String(e);
    const p = e instanceof RunError ? e.phase : e instanceof DatasetError ? 'data' : e instanceof CheckpointError ? 'checkpoint' : phase;
    const node = e instanceof RunError ? e.node : e instanceof GraphError ? e.node : null;
    const saved = r?.lastCheckpoint ? ` The last good checkpoint is ${r.lastCheckpoint.path} (epoch ${r.lastCheckpoint.epoch + 1} after step ${r.lastCheckpoint.step}).` : '';
    // a lost device says where the run was (validation and checkpoints say so themselves)
    const where = e instanceof DeviceLostError && p === 'step' && r ? `training step, epoch ${r.epoch + 1} after step ${r.step}: ` : '';
    this.postError(where + message + saved, p, node);
  }

  private postError(message: string, phase: Phase | 'command', node: string | null, requestId: number | null = null): void {
    const r = this.run;
    const running = phase === 'step' || phase === 'data' || phase === 'validation' || phase === 'checkpoint';
    this.host.post(
      errorEvent(message, phase, {
        epoch: running && r ? r.epoch + 1 : null,
        step: running && r ? r.step : null,
        node,
        saved: { checkpoint: r?.lastCheckpoint?.path ?? null, epoch: r?.lastCheckpoint ? r.lastCheckpoint.epoch + 1 : null, step: r?.lastCheckpoint?.step ?? null },
        requestId,
      }),
    );
  }

  private disposeRun(): void {
    const r = this.run;
    if (!r) return;
    this.run = null;
    closeRun(r);
  }
}
