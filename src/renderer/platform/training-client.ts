/**
 * The page's side of one training worker, whatever carries the messages (a Web Worker's
 * postMessage, or IPC relayed by Electron main): checks every event against the protocol,
 * matches request answers by id, and turns the worker's end into an `exit` event that also
 * fails every unanswered request — so nothing waits forever on a crashed worker.
 */
import { command, parseEvent, ProtocolError, type Command } from '../../engine/worker/protocol';
import type { Evaluation, ExitEvent, LayerOutputs, RunHandle, TrainingEvent, WeightTensors, WorkerEventParsed } from './training';

/** How commands reach the worker; the transport reports what comes back through the sink. */
export interface RunTransport {
  send(cmd: Command): void;
  close(): void;
}

export interface RunSink {
  /** A message from the worker, unchecked. */
  message(raw: unknown): void;
  exit(e: Omit<ExitEvent, 'type'>): void;
}

type OmitV<T> = T extends unknown ? Omit<T, 'v'> : never;

interface Pending {
  answer: 'evaluation' | 'inference' | 'weights';
  resolve(e: WorkerEventParsed): void;
  reject(err: Error): void;
}

export class ChannelRunHandle implements RunHandle {
  private listeners = new Set<(e: TrainingEvent) => void>();
  private pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private ended: ExitEvent | null = null;
  private closing = false;
  private transport: RunTransport | null = null;
  /** Events that arrived before anyone subscribed (the first ones race `start` resolving). */
  private early: TrainingEvent[] | null = [];

  constructor(readonly runId: string) {}

  /** Wire the transport; returns the sink it reports into. */
  attach(transport: RunTransport): RunSink {
    this.transport = transport;
    return {
      message: (raw) => this.receive(raw),
      exit: (e) => this.exit({ type: 'exit', ...e, expected: e.expected || this.closing }),
    };
  }

  get alive(): boolean {
    return this.ended === null;
  }

  onEvent(listener: (e: TrainingEvent) => void): () => void {
    this.listeners.add(listener);
    const early = this.early;
    this.early = null;
    for (const e of early ?? []) listener(e);
    return () => this.listeners.delete(listener);
  }

  send(c: OmitV<Command>): void {
    if (this.ended) throw new Error(`run ${this.runId}: the training worker has ended (${this.ended.message})`);
    this.transport!.send(command(c));
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  stop(opts: { checkpoint?: boolean } = {}): void {
    this.send({ type: 'stop', checkpoint: opts.checkpoint ?? true });
  }

  checkpoint(): void {
    this.send({ type: 'checkpoint' });
  }

  async evaluate(): Promise<Evaluation> {
    const e = (await this.request({ type: 'evaluate' }, 'evaluation')) as Extract<WorkerEventParsed, { type: 'evaluation' }>;
    return { loss: e.loss, accuracy: e.accuracy, count: e.count, confusion: e.confusion, samples: e.samples ?? null };
  }

  async infer(sample: Float32Array | number): Promise<LayerOutputs> {
    const c = typeof sample === 'number' ? { type: 'infer' as const, sample } : { type: 'infer' as const, x: sample };
    const e = (await this.request(c, 'inference')) as Extract<WorkerEventParsed, { type: 'inference' }>;
    return e.outputs;
  }

  async getWeights(): Promise<WeightTensors> {
    const e = (await this.request({ type: 'getWeights' }, 'weights')) as Extract<WorkerEventParsed, { type: 'weights' }>;
    return e.weights;
  }

  close(): void {
    if (this.ended) return;
    this.closing = true;
    this.transport?.close();
  }

  private request(c: { type: 'evaluate' | 'infer' | 'getWeights'; x?: Float32Array; sample?: number }, answer: Pending['answer']): Promise<WorkerEventParsed> {
    if (this.ended) return Promise.reject(new Error(`the training worker has ended: ${this.ended.message}`));
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { answer, resolve, reject });
      try {
        this.send({ ...c, requestId } as OmitV<Command>);
      } catch (e) {
        this.pending.delete(requestId);
        reject(e as Error);
      }
    });
  }

  private receive(raw: unknown): void {
    let e: WorkerEventParsed;
    try {
      e = parseEvent(raw);
    } catch (err) {
      const message = err instanceof ProtocolError ? err.message : String(err);
      e = {
        v: 1,
        type: 'error',
        message: `the training worker sent a message this version cannot read: ${message}`,
        where: { phase: 'worker', epoch: null, step: null, node: null },
        saved: { checkpoint: null, epoch: null, step: null },
        requestId: null,
      };
    }
    if ('requestId' in e && e.requestId !== null) {
      const p = this.pending.get(e.requestId);
      if (p && (e.type === p.answer || e.type === 'error')) {
        this.pending.delete(e.requestId);
        if (e.type === 'error') p.reject(new Error(e.message));
        else p.resolve(e);
        return;
      }
    }
    this.dispatch(e);
  }

  private exit(e: ExitEvent): void {
    if (this.ended) return;
    this.ended = e;
    for (const p of this.pending.values()) p.reject(new Error(e.message));
    this.pending.clear();
    this.dispatch(e);
  }

  private dispatch(e: TrainingEvent): void {
    if (this.early) {
      this.early.push(e);
      return;
    }
    for (const l of this.listeners) l(e);
  }
}
