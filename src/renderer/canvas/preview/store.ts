/** Data through every block: which sample the canvas previews, and every node's output for it. */
import { create } from 'zustand';
import type { LayerOutputs } from '../../platform/training';

export type PreviewSource = 'initial' | 'trained';

export interface PreviewState {
  /** Previews drawn on the nodes (off: no worker is started for them). */
  enabled: boolean;
  /** The validation sample (or training sample, when there is no validation split) shown. */
  sample: number;
  outputs: LayerOutputs | null;
  /** Whose weights made `outputs`: the seed's initial ones, or the live run's. */
  source: PreviewSource | null;
  /** The graph (as JSON) `outputs` belong to: a node whose output shape moved on shows nothing stale. */
  graphKey: string | null;
  busy: boolean;
  error: string | null;
  /** Why nothing is being renewed just now, when that is not a problem (a run is training). */
  note: string | null;
  /** Counts answers, so a test (and a person) can see a preview was renewed. */
  version: number;
  set(patch: Partial<Omit<PreviewState, 'set'>>): void;
}

export const usePreview = create<PreviewState>((set) => ({
  enabled: true,
  sample: 0,
  outputs: null,
  source: null,
  graphKey: null,
  busy: false,
  error: null,
  note: null,
  version: 0,
  set: (patch) => set(patch),
}));
