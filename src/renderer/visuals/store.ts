/** Which visual views are open and which validation sample they look at; view state only. */
import { create } from 'zustand';
import type { Evaluation } from '../platform/training';

export type InsideTab = 'evaluation' | 'layers' | 'saliency';

export interface VisualsState {
  playgroundOpen: boolean;
  /** The "Look inside" dialog and its tab; null when closed. */
  inside: InsideTab | null;
  /** The validation sample the feature maps show (numbered as `infer(n)`). */
  sample: number;
  /** The latest evaluation and the run it belongs to: its per-sample classes label the pictures elsewhere. */
  evaluation: { runId: string; value: Evaluation } | null;
  /** The kernel fit's largest kernel difference at each step it was measured, kept across tab switches. */
  fitHistory: { runId: string; points: { step: number; d: number }[] } | null;
  setPlaygroundOpen(open: boolean): void;
  openInside(tab: InsideTab | null): void;
  setSample(n: number): void;
  setEvaluation(e: VisualsState['evaluation']): void;
  /** Record a measurement; a later one for the same step replaces it, at most 400 are kept. */
  noteFit(runId: string, step: number, d: number): void;
}

export const useVisuals = create<VisualsState>()((set, get) => ({
  playgroundOpen: false,
  inside: null,
  sample: 0,
  evaluation: null,
  fitHistory: null,
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
  noteFit(runId, step, d) {
    const h = get().fitHistory;
    const points = h?.runId === runId ? h.points.filter((p) => p.step < step).slice(-399) : [];
    set({ fitHistory: { runId, points: [...points, { step, d }] } });
  },
}));
