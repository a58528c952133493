/**
 * Validation samples' input pictures, fetched once per run through `infer(n)` (the Input
 * node's output is the normalised sample) and kept: a picture does not change as the network
 * trains, so the grid never asks twice.
 */
import { useEffect, useState } from 'react';
import type { LayerOutput } from '../../platform/training';
import { requests } from '../../training/store';

const MAX_KEPT = 2000;
const cache = new Map<string, LayerOutput>();

const keyOf = (runId: string, index: number) => `${runId}:${index}`;

export function cachedInput(runId: string, index: number): LayerOutput | null {
  return cache.get(keyOf(runId, index)) ?? null;
}

function keep(runId: string, index: number, out: LayerOutput): void {
  if (cache.size >= MAX_KEPT) cache.delete(cache.keys().next().value!);
  cache.set(keyOf(runId, index), out);
}

/**
 * Fetch the pictures of `indices` one after another (the worker answers one request at a
 * time anyway); re-renders as they arrive. Returns how many are still missing and the first
 * failure, if any.
 */
export function useSampleInputs(runId: string | null, inputId: string | null, indices: readonly number[]): { missing: number; error: string | null } {
  const [, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const wanted = indices.join(',');
  useEffect(() => {
    if (!runId || !inputId) return;
    let cancelled = false;
    const todo = wanted ? wanted.split(',').map(Number) : [];
    void (async () => {
      for (const i of todo) {
        if (cancelled) return;
        if (cache.has(keyOf(runId, i))) continue;
        try {
          const outs = await requests.infer(i);
          const input = outs[inputId];
          if (!input) throw new Error(`the worker's answer has no output for the Input node ${inputId}`);
          keep(runId, i, { shape: input.shape, data: input.data });
          if (!cancelled) setTick((t) => t + 1);
        } catch (e) {
          if (!cancelled) setError(`validation sample ${i}: ${(e as Error).message}`);
          return;
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [runId, inputId, wanted]);
  const missing = runId ? indices.filter((i) => !cache.has(keyOf(runId, i))).length : indices.length;
  return { missing, error };
}
