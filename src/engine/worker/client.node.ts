/**
 * The parent's side of the training worker in Node (the CLI, the tests; Electron's main process
 * wraps a utility process the same way): fork the worker, send commands, receive checked
 * events, and never hang — when the worker dies (killed, out of memory, crashed), every wait
 * is rejected with what happened and where the last checkpoint is, so a new worker can resume.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readEvent, RequestBook, type ParsedEvent, type RequestType } from './client-core';
import { command, type Command, type EventOf } from './protocol';

type OmitV<T> = T extends unknown ? Omit<T, 'v'> : never;
type Parsed = ParsedEvent;

/** The worker process ended; synthesised by the client, never sent by a worker. */
export interface ExitEvent {
  type: 'exit';
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether the parent asked for it (close / kill). */
  expected: boolean;
  lastCheckpoint: string | null;
  message: string;
}

export type ClientEvent = Parsed | ExitEvent;

export class WorkerExitedError extends Error {
  constructor(readonly exit: ExitEvent) {
    super(exit.message);
    this.name = 'WorkerExitedError';
  }
}

/** An error event from the worker, as a rejection. */
export class WorkerReportedError extends Error {
  constructor(readonly event: EventOf<'error'>) {
    super(event.message);
    this.name = 'WorkerReportedError';
  }
}

export interface ForkOptions {
  /** The worker entry (default: see defaultEntry). */
  entry?: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the worker's stdout/stderr go (default: this process's stderr, so stdout stays clean for --json). */
  onOutput?: (text: string) => void;
}

interface Waiter {
  /** Settles (and unregisters) itself when `e` is what it waits for. */
  match(e: ClientEvent): void;
  fail(err: Error): void;
}

/**
 * The worker entry: node-host.node.ts beside this file when running from the sources (through tsx),
 * or training-worker.mjs beside the bundle when this module is part of the built CLI
 * (scripts/build-cli.mjs puts entries and chunks in one folder).
 */
function defaultEntry(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? './node-host.node.ts' : './training-worker.mjs', import.meta.url));
}

function defaultExecArgv(entry: string): string[] {
  if (!entry.endsWith('.ts')) return [];
  const loader = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(loader).href];
}

export class WorkerClient {
  private listeners = new Set<(e: ClientEvent) => void>();
  private waiters = new Set<Waiter>();
  private requests = new RequestBook((e) => new WorkerReportedError(e));
  private closing = false;
  private exitEvent: ExitEvent | null = null;
  /** The latest checkpoint the worker reported (survives the worker). */
  lastCheckpoint: string | null = null;
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<ExitEvent>;

  private constructor(readonly child: ChildProcess) {
    let done!: (e: ExitEvent) => void;
    this.exited = new Promise((resolve) => (done = resolve));
    child.on('message', (raw) => this.receive(raw));
    child.on('exit', (code, signal) => {
      const expected = this.closing;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const saved = this.lastCheckpoint ? `; the last checkpoint is ${this.lastCheckpoint}` : '; no checkpoint was written';
      const why = !expected && (signal === 'SIGKILL' || code === 134) ? ' (killed, or out of memory)' : '';
      const e: ExitEvent = { type: 'exit', code, signal, expected, lastCheckpoint: this.lastCheckpoint, message: `the training worker ${how}${why}${saved}` };
      // after the messages already queued for dispatch
      setImmediate(() => this.ended(e, done));
    });
    child.on('error', (err) => {
      // A send racing the worker's death fails here; 'exit' reports that. A worker that never
      // started gets no 'exit': report it as one, so no wait is left hanging.
      if (child.pid === undefined && !this.exitEvent) {
        this.ended({ type: 'exit', code: null, signal: null, expected: false, lastCheckpoint: null, message: `the training worker could not start: ${err.message}` }, done);
      }
    });
  }

  /** The process is gone: tell the listeners, fail every wait, settle `exited`. */
  private ended(e: ExitEvent, done: (e: ExitEvent) => void): void {
    this.exitEvent = e;
    this.requests.end(new WorkerExitedError(e));
    this.dispatch(e);
    for (const w of [...this.waiters]) w.fail(new WorkerExitedError(e));
    done(e);
  }

  static fork(o: ForkOptions = {}): WorkerClient {
    const entry = o.entry ?? defaultEntry();
    const child = fork(entry, [], {
      execArgv: o.execArgv ?? defaultExecArgv(entry),
      env: o.env ?? process.env,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const out = o.onOutput ?? ((t: string) => void process.stderr.write(t));
    child.stdout?.setEncoding('utf8').on('data', out);
    child.stderr?.setEncoding('utf8').on('data', out);
    return new WorkerClient(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitEvent === null;
  }

  send(c: OmitV<Command> | Command): void {
    if (this.exitEvent) throw new WorkerExitedError(this.exitEvent);
    this.child.send(command(c));
  }

  /** Every event, checked; returns the unsubscribe function. */
  on(listener: (e: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The next event of `type` (matching `where`). Rejects if the worker reports an error first
   * (unless waiting for errors) or exits, or after `timeoutMs`.
   */
  next<T extends ClientEvent['type']>(type: T, where: (e: Extract<ClientEvent, { type: T }>) => boolean = () => true, timeoutMs = 0): Promise<Extract<ClientEvent, { type: T }>> {
    type E = Extract<ClientEvent, { type: T }>;
    return this.waitFor((e) => e.type === type && where(e as E), type !== 'error', `a "${type}" event`, timeoutMs) as Promise<E>;
  }

  private waitFor(match: (e: ClientEvent) => boolean, failOnRunError: boolean, what: string, timeoutMs: number): Promise<ClientEvent> {
    if (this.exitEvent) return match(this.exitEvent) ? Promise.resolve(this.exitEvent) : Promise.reject(new WorkerExitedError(this.exitEvent));
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (f: () => void) => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(w);
        f();
      };
      const w: Waiter = {
        match: (e) => {
          if (match(e)) settle(() => resolve(e));
          // a run-level error ends the wait; a failed request only its own
          else if (failOnRunError && e.type === 'error' && e.requestId === null) settle(() => reject(new WorkerReportedError(e)));
        },
        fail: (err) => settle(() => reject(err)),
      };
      if (timeoutMs > 0) timer = setTimeout(() => w.fail(new Error(`no ${what} from the training worker within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(w);
    });
  }

  /** evaluate / infer / getWeights: send with a fresh request id and wait for its answer. */
  request(c: { type: 'evaluate' }): Promise<EventOf<'evaluation'>>;
  request(c: { type: 'infer'; x?: Float32Array; sample?: number }): Promise<EventOf<'inference'>>;
  request(c: { type: 'getWeights' }): Promise<EventOf<'weights'>>;
  request(c: { type: 'saliency'; sample: number; classIndex?: number }): Promise<EventOf<'saliency'>>;
  async request(c: { type: RequestType; x?: Float32Array; sample?: number; classIndex?: number }): Promise<ClientEvent> {
    return this.requests.open(c.type, (requestId) => this.send({ ...c, requestId } as OmitV<Command>));
  }

  /** Ask the worker to end (closing its channel), then make sure it does. */
  async close(graceMs = 2000): Promise<ExitEvent> {
    if (this.exitEvent) return this.exitEvent;
    this.closing = true;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const e = await this.exited;
    clearTimeout(timer);
    return e;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.closing = true;
    this.child.kill(signal);
  }

  private receive(raw: unknown): void {
    const e = readEvent(raw);
    if (e.type === 'checkpoint') this.lastCheckpoint = e.path;
    this.emit(e);
  }

  /**
   * Each event in its own macrotask, in order: code that awaits one event and then waits for
   * the next (`await next('checkpoint'); await next('finished')`) is back in time to see it,
   * even when both arrived in one read from the channel.
   */
  private emit(e: ClientEvent): void {
    setImmediate(() => this.dispatch(e));
  }

  private dispatch(e: ClientEvent): void {
    // an answer settles its request, and is still an event for listeners and waiters
    if (e.type !== 'exit' && !this.requests.settle(e) && e.type === 'error' && e.requestId === null) {
      // a run-level error ends the requests waiting, as it ends every wait
      this.requests.failWaiting(new WorkerReportedError(e));
    }
    for (const w of [...this.waiters]) w.match(e);
    for (const l of this.listeners) l(e);
  }
}
