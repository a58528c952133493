/**
 * The page's side of one training worker, whatever carries the messages (a Web Worker's
 * postMessage, or IPC relayed by Electron main): checks every event against the protocol,
 * matches request answers by id, and turns the worker's end into an `exit` event that also
 * fails every unanswered request — so nothing waits forever on a crashed worker. Reading,
 * request ids and the failing at exit are the engine's client core (shared with the Node client).
 */
import { readEvent, RequestBook, type RequestType } from '../../engine/worker/client-core';
import { command, type Command } from '../../engine/worker/protocol';
import type { Evaluation, ExitEvent, LayerOutputs, RunHandle, SaliencyAnswer, TrainingEvent, WeightTensors, WorkerEventParsed } from './training';

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

export class ChannelRunHandle implements RunHandle {
  private listeners = new Set<(e: TrainingEvent) => void>();
  private requests = new RequestBook((e) => new Error(e.message));
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
    const e = (await this.request({ type: 'evaluate' })) as Extract<WorkerEventParsed, { type: 'evaluation' }>;
    return { loss: e.loss, accuracy: e.accuracy, count: e.count, confusion: e.confusion, samples: e.samples ?? null };
  }

  async infer(sample: Float32Array | number): Promise<LayerOutputs> {
    const c = typeof sample === 'number' ? { type: 'infer' as const, sample } : { type: 'infer' as const, x: sample };
    const e = (await this.request(c)) as Extract<WorkerEventParsed, { type: 'inference' }>;
    return e.outputs;
  }

  async getWeights(): Promise<WeightTensors> {
    const e = (await this.request({ type: 'getWeights' })) as Extract<WorkerEventParsed, { type: 'weights' }>;
    return e.weights;
  }

  async saliency(sample: number, classIndex?: number): Promise<SaliencyAnswer> {
    const e = (await this.request({ type: 'saliency', sample, ...(classIndex !== undefined ? { classIndex } : {}) })) as Extract<WorkerEventParsed, { type: 'saliency' }>;
    return { classIndex: e.classIndex, scores: e.scores, label: e.label, input: e.input, layer: e.layer, gradCam: e.gradCam, saliency: e.saliency };
  }

  close(): void {
    if (this.ended) return;
    this.closing = true;
    this.transport?.close();
  }

  private request(c: { type: RequestType; x?: Float32Array; sample?: number; classIndex?: number }): Promise<WorkerEventParsed> {
    return this.requests.open(c.type, (requestId) => this.send({ ...c, requestId } as OmitV<Command>));
  }

  private receive(raw: unknown): void {
    const e = readEvent(raw);
    if (!this.requests.settle(e)) this.dispatch(e);
  }

  private exit(e: ExitEvent): void {
    if (this.ended) return;
    this.ended = e;
    this.requests.end(new Error(e.message));
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
