/**
 * Describes a dataset in a short-lived worker process (preview-worker.ts) instead of in main:
 * the data files are the user's, possibly hostile, and decoding them (PNG, JPEG, IDX, CIFAR)
 * is the riskiest parsing the app does. One process per request; it is ended when it answers,
 * fails, or takes longer than the time limit, and its crash is reported as an error naming it.
 */
import { utilityProcess } from 'electron';
import type { DatasetPreview } from '../engine/data/preview';
import type { DatasetRef } from '../engine/data/ref';
import type { PreviewAnswer, PreviewRequest } from './preview-worker';

/** What main needs of a spawned process (Electron's UtilityProcess has all of it). */
export interface PreviewChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type ForkPreview = (entry: string) => PreviewChild;

const forkUtility: ForkPreview = (entry) => {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Convas data preview', stdio: 'pipe' });
  // what the worker prints (a decoder's warning, a crash's stack) goes to main's log
  const log = (d: Buffer) => console.error(`[data preview] ${String(d).trimEnd()}`);
  child.stdout?.on('data', log);
  child.stderr?.on('data', log);
  return child;
};

/** Large folders are indexed before the preview: generous, but a hung decoder does not hang the panel. */
export const PREVIEW_TIME_LIMIT_MS = 120_000;

export class DataPreviews {
  constructor(
    private readonly entry: string,
    private readonly fork: ForkPreview = forkUtility,
    private readonly timeLimitMs = PREVIEW_TIME_LIMIT_MS,
  ) {}

  describe(ref: DatasetRef, inputShape: number[] | null): Promise<DatasetPreview> {
    const child = this.fork(this.entry);
    return new Promise<DatasetPreview>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
        child.kill();
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`the data preview of ${describeRef(ref)} took longer than ${this.timeLimitMs / 1000} s and was stopped`))),
        this.timeLimitMs,
      );
      child.on('message', (m: unknown) => {
        const a = m as PreviewAnswer;
        finish(() => (a?.ok ? resolve(a.preview) : reject(new Error(a?.ok === false ? a.message : 'the data-preview worker sent an unreadable answer'))));
      });
      child.on('exit', (code: number) =>
        finish(() => reject(new Error(`the data-preview worker for ${describeRef(ref)} ended without an answer (exit code ${code}); the data may be damaged`))),
      );
      child.postMessage({ ref, inputShape } satisfies PreviewRequest);
    });
  }
}

function describeRef(ref: DatasetRef): string {
  return ref.kind === 'folder' ? ref.path : `the built-in ${ref.kind} data`;
}
