/**
 * Ask the live run's worker a question (evaluate, infer, getWeights) and keep the answer fresh:
 * asked again when the key changes or the run's weights move on (`weightsVersion`), with at
 * most one question in flight and at least `minInterval` ms between two, the latest wish
 * winning. A kernel-fit run ends an epoch every step: thousands of weight changes a minute
 * must not become thousands of requests.
 */
import { useEffect, useRef, useState } from 'react';
import { useTraining } from '../../training/store';

export interface Answer<T> {
  value: T | null;
  error: string | null;
  /** A question is on its way (the value shown may be older). */
  loading: boolean;
  /** The key the value answers (the caller's key, not the weights version). */
  key: string | null;
}

interface Flight {
  busy: boolean;
  queued: string | null;
  last: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** `run|key|version` → `key`. */
function keyOf(wish: string): string {
  return wish.slice(wish.indexOf('|') + 1, wish.lastIndexOf('|'));
}

export function useRunAnswer<T>(key: string | null, ask: () => Promise<T>, minInterval = 250): Answer<T> {
  const version = useTraining((s) => s.weightsVersion);
  const runId = useTraining((s) => s.live?.id ?? null);
  const [answer, setAnswer] = useState<Answer<T>>({ value: null, error: null, loading: false, key: null });
  const askRef = useRef(ask);
  askRef.current = ask;
  const flight = useRef<Flight>({ busy: false, queued: null, last: -Infinity, timer: null });
  const wish = key === null || runId === null ? null : `${runId}|${key}|${version}`;

  useEffect(() => {
    if (wish === null) return;
    const f = flight.current;
    f.queued = wish;
    const pump = () => {
      if (f.busy || f.queued === null) return;
      const wait = f.last + minInterval - performance.now();
      if (wait > 0) {
        f.timer ??= setTimeout(() => {
          f.timer = null;
          pump();
        }, wait);
        return;
      }
      const asked = f.queued;
      f.queued = null;
      f.busy = true;
      f.last = performance.now();
      setAnswer((a) => ({ ...a, loading: true }));
      askRef.current().then(
        (value) => setAnswer({ value, error: null, loading: false, key: keyOf(asked) }),
        (e: unknown) => setAnswer((a) => ({ value: a.value, error: e instanceof Error ? e.message : String(e), loading: false, key: a.key })),
      ).finally(() => {
        f.busy = false;
        pump();
      });
    };
    pump();
  }, [wish, minInterval]);

  useEffect(
    () => () => {
      const f = flight.current;
      if (f.timer) clearTimeout(f.timer);
      f.queued = null;
    },
    [],
  );
  return answer;
}
