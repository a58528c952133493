/** Which visual views are open and which validation sample they look at; view state only. */
import { create } from 'zustand';
import type { Evaluation } from '../platform/training';

export type InsideTab = 'evaluation' | 'layers';

export interface VisualsState {
  playgroundOpen: boolean;
  /** The "Look inside" dialog and its tab; null when closed. */
  inside: InsideTab | null;
  /** The validation sample the feature maps show (numbered as `infer(n)`). */
  sample: number;
  /** The latest evaluation and the run it belongs to: its per-sample classes label the pictures elsewhere. */
  evaluation: { runId: string; value: Evaluation } | null;
  setPlaygroundOpen(open: boolean): void;
  openInside(tab: InsideTab | null): void;
  setSample(n: number): void;
  setEvaluation(e: VisualsState['evaluation']): void;
}

export const useVisuals = create<VisualsState>()((set) => ({
  playgroundOpen: false,
  inside: null,
  sample: 0,
  evaluation: null,
  setPlaygroundOpen(playgroundOpen) {
    set({ playgroundOpen });
  },
  openInside(inside) {
    set({ inside });
  },
  setSample(sample) {
    set({ sample: Math.max(0, Math.floor(sample)) });
  },
  setEvaluation(evaluation) {
    set({ evaluation });
  },
}));
