/**
 * What every parent-side client of a training worker shares, whatever carries the messages
 * (a forked Node process, a Web Worker, Electron's IPC): reading a message against the protocol
 * (an unreadable one becomes an error event the user sees), numbering requests and matching
 * their answers, and, when the worker ends, failing every request still waiting — so nothing
 * waits forever on a crashed worker. gpu-free and Node-free: both sides import it.
 */
import { errorEvent, parseEvent, ProtocolError } from './protocol';

export type ParsedEvent = ReturnType<typeof parseEvent>;
export type RequestType = 'evaluate' | 'infer' | 'getWeights' | 'saliency';
type Answer = Extract<ParsedEvent, { requestId: number }>['type'];

/** The event type that answers each request. */
export const ANSWER_OF: Record<RequestType, Exclude<Answer, 'error'>> = { evaluate: 'evaluation', infer: 'inference', getWeights: 'weights', saliency: 'saliency' };

/** A worker's message, checked; one this version cannot read becomes a worker-phase error event. */
export function readEvent(raw: unknown): ParsedEvent {
  try {
    return parseEvent(raw);
  } catch (err) {
    const message = err instanceof ProtocolError ? err.message : String(err);
    return errorEvent(`the training worker sent a message this version cannot read: ${message}`, 'worker') as ParsedEvent;
  }
}

interface Pending {
  answer: Answer;
  resolve(e: ParsedEvent): void;
  reject(err: Error): void;
}

/** Request ids and the requests waiting for their answers. */
export class RequestBook {
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private ended: Error | null = null;

  /** `failed` turns a worker's error answer into the caller's rejection. */
  constructor(private readonly failed: (e: Extract<ParsedEvent, { type: 'error' }>) => Error) {}

  /**
   * A fresh request id and the promise of its answer; `send` puts the command on its way (a
   * send that throws rejects the request).
   */
  open(type: RequestType, send: (requestId: number) => void): Promise<ParsedEvent> {
    if (this.ended) return Promise.reject(this.ended);
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { answer: ANSWER_OF[type], resolve, reject });
      try {
        send(requestId);
      } catch (e) {
        this.pending.delete(requestId);
        reject(e as Error);
      }
    });
  }

  /** Settle the request `e` answers (its answer or an error naming it); false when it answers none. */
  settle(e: ParsedEvent): boolean {
    if (!('requestId' in e) || e.requestId === null) return false;
    const p = this.pending.get(e.requestId);
    if (!p || (e.type !== p.answer && e.type !== 'error')) return false;
    this.pending.delete(e.requestId);
    if (e.type === 'error') p.reject(this.failed(e));
    else p.resolve(e);
    return true;
  }

  /** Fail the requests waiting now (a run-level error, for callers that treat it as theirs). */
  failWaiting(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** The worker ended: every waiting request and every later one fails with `err`. */
  end(err: Error): void {
    this.ended ??= err;
    this.failWaiting(err);
  }
}
