/**
 * Keeping runs: the record of a live run (settings, thinned curves, metrics), written one at a
 * time in order (an older record never lands after a newer one; a newer record of the same run
 * replaces one still waiting), throttled while the run goes and at once when it turns; and the
 * runs a closed app left going, marked interrupted.
 */
import type { Curves, RunRecord } from '../platform/training';
import { downsampleCurves } from './curves-data';
import type { LiveRun } from './run-events';

/** The record kept for a live run, from the live state and its curves. */
export function recordOf(live: LiveRun, curves: Curves, createdAt: number, project: string): RunRecord {
  return {
    id: live.id,
    name: live.name,
    createdAt,
    updatedAt: Date.now(),
    project,
    graph: live.graph,
    data: live.data,
    hyper: live.hyper,
    status: live.status,
    backend: live.backend,
    dataset: live.dataset,
    curves: downsampleCurves(curves),
    final: live.final,
    error: live.error?.message ?? null,
    checkpoint: live.checkpoint,
  };
}

/** Runs a closed app left starting, running or paused (not the live one): they are interrupted now. */
export function interruptStale(runs: RunRecord[], liveId: string | undefined): RunRecord[] {
  const stale = runs.filter((r) => r.id !== liveId && (r.status === 'running' || r.status === 'paused' || r.status === 'starting'));
  for (const r of stale) r.status = 'interrupted';
  return stale;
}

export interface RecordKeeper {
  /** Keep the current record: `now`, or `soon` (at most once per `everyMs`, with the state of that moment). */
  keep(when: 'now' | 'soon'): Promise<void>;
  /** A keep('soon') is waiting for its time. */
  readonly due: boolean;
  /** Forget a waiting keep('soon'). */
  cancel(): void;
  /** A run deleted: its record waiting to be written is dropped; resolves when no write is in flight. */
  forget(id: string): Promise<void>;
  /** Resolves when the writes on their way have landed. */
  settled(): Promise<void>;
}

/**
 * `current()` gives the live run's record (null: no live run); `kept(record)` shows it in the
 * list at once; `save` writes it (failures are ignored: keeping runs is a convenience, the live
 * run goes on and the next save may succeed).
 */
export function createRecordKeeper(o: { current(): RunRecord | null; kept(r: RunRecord): void; save(r: RunRecord): Promise<void>; everyMs: number }): RecordKeeper {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unwritten = new Map<string, RunRecord>();
  let writing: Promise<void> | null = null;

  const write = (record: RunRecord): Promise<void> => {
    unwritten.set(record.id, record);
    writing ??= (async () => {
      while (unwritten.size > 0) {
        const [id, next] = unwritten.entries().next().value!;
        unwritten.delete(id);
        try {
          await o.save(next);
        } catch {
          // see above
        }
      }
      writing = null;
    })();
    return writing;
  };

  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const keep = (when: 'now' | 'soon'): Promise<void> => {
    const first = o.current();
    if (!first) return Promise.resolve();
    if (when === 'soon') {
      const wait = last + o.everyMs - Date.now();
      if (wait > 0) {
        timer ??= setTimeout(() => {
          timer = null;
          if (o.current()?.id === first.id) void keep('now');
        }, wait);
        return Promise.resolve();
      }
    }
    cancel();
    last = Date.now();
    o.kept(first);
    return write(first);
  };

  return {
    keep,
    get due() {
      return timer !== null;
    },
    cancel,
    async forget(id) {
      unwritten.delete(id);
      await writing;
    },
    async settled() {
      await writing;
    },
  };
}
