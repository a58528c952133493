/**
 * Training workers: one Electron utilityProcess per run, running the engine's node-host.node.ts
 * (built to out/main/training-worker.js). Main hands each worker its start command and relays
 * every message to the window that started it, tagged with the run id; when the process ends
 * the window hears why (a crash never takes the window down). Messages are not parsed here:
 * the renderer checks each against the protocol, main only routes.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import type { Command } from '../engine/worker/protocol';
import { TrainingEvents, type TrainingMessage } from '../preload/contract';

/** Where relayed messages go (a window's webContents). */
export interface MessageTarget {
  send(channel: string, message: TrainingMessage): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
  removeListener(event: 'destroyed', listener: () => void): unknown;
}

interface Worker {
  child: UtilityProcess;
  closing: boolean;
  lastCheckpoint: string | null;
}

export class TrainingProcesses {
  private workers = new Map<string, Worker>();

  constructor(
    private readonly entry: string,
    private readonly log: (line: string) => void = (l) => console.error(l),
  ) {}

  has(runId: string): boolean {
    return this.workers.has(runId);
  }

  /** Spawn the run's worker and send it `start`; an earlier worker of the same run is ended first. */
  start(runId: string, start: Command, target: MessageTarget): void {
    this.close(runId);
    const child = utilityProcess.fork(this.entry, [], { serviceName: `Convas training ${runId}`, stdio: 'pipe' });
    const w: Worker = { child, closing: false, lastCheckpoint: null };
    this.workers.set(runId, w);
    const relay = (m: TrainingMessage) => {
      if (!target.isDestroyed()) target.send(TrainingEvents.message, m);
    };
    child.stdout?.on('data', (d: Buffer) => this.log(`[training ${runId}] ${String(d).trimEnd()}`));
    child.stderr?.on('data', (d: Buffer) => this.log(`[training ${runId}] ${String(d).trimEnd()}`));
    child.on('message', (event: unknown) => {
      const e = event as { type?: unknown; path?: unknown } | null;
      if (e?.type === 'checkpoint' && typeof e.path === 'string') w.lastCheckpoint = e.path;
      relay({ runId, event });
    });
    // the window went away: nobody is watching, so end the work instead of training for no one
    const onGone = () => this.close(runId);
    target.once('destroyed', onGone);
    child.on('exit', (code: number) => {
      target.removeListener('destroyed', onGone);
      if (this.workers.get(runId) === w) this.workers.delete(runId);
      const saved = w.lastCheckpoint ? `; the last checkpoint is ${w.lastCheckpoint}` : '; no checkpoint was written';
      const message = w.closing ? 'the training worker was closed' : `the training worker ended unexpectedly (exit code ${code})${saved}`;
      relay({ runId, exit: { expected: w.closing, message } });
    });
    child.postMessage(start);
  }

  send(runId: string, c: Command): void {
    const w = this.workers.get(runId);
    if (!w) throw new Error(`run ${runId} has no training worker (it ended or never started)`);
    w.child.postMessage(c);
  }

  close(runId: string): void {
    const w = this.workers.get(runId);
    if (!w) return;
    w.closing = true;
    w.child.kill();
  }

  closeAll(): void {
    for (const id of [...this.workers.keys()]) this.close(id);
  }
}
