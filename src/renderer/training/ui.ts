/**
 * View state of the training dashboard (not part of any run or document): which side tab shows,
 * whether the curves dock is open and how it draws, and the built-in data options. Kept per
 * machine in localStorage, like the app's other preferences.
 */
import { create } from 'zustand';
import type { DataChoice } from '../platform/training';

export type SideTab = 'inspector' | 'train' | 'visuals';
export type CurveScale = 'step' | 'epoch';

interface Prefs {
  tab: SideTab;
  dockOpen: boolean;
  scale: CurveScale;
  logLoss: boolean;
  /** Shapes: training and test sample counts (small counts make quick runs). */
  shapesSamples: number;
  shapesTestSamples: number;
  /** Start the next run from the project's (imported or kept) weights instead of the seed's. */
  startFromProject: boolean;
}

const KEY = 'convas.training.prefs';
const DEFAULTS: Prefs = { tab: 'inspector', dockOpen: true, scale: 'step', logLoss: false, shapesSamples: 6000, shapesTestSamples: 1000, startFromProject: false };

function load(): Prefs {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Prefs>;
    const int = (v: unknown, d: number) => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : d);
    return {
      tab: saved.tab === 'train' || saved.tab === 'visuals' ? saved.tab : 'inspector',
      dockOpen: saved.dockOpen !== false,
      scale: saved.scale === 'epoch' ? 'epoch' : 'step',
      logLoss: saved.logLoss === true,
      shapesSamples: int(saved.shapesSamples, DEFAULTS.shapesSamples),
      shapesTestSamples: int(saved.shapesTestSamples, DEFAULTS.shapesTestSamples),
      startFromProject: saved.startFromProject === true,
    };
  } catch {
    return DEFAULTS;
  }
}

export interface TrainingUiState extends Prefs {
  /** The data picked in the panel; null: take the project's dataset setting. */
  data: DataChoice | null;
  set(patch: Partial<Prefs>): void;
  setData(d: DataChoice | null): void;
}

export const useTrainingUi = create<TrainingUiState>()((set, get) => ({
  ...load(),
  data: null,
  set(patch) {
    set(patch);
    const { data: _d, set: _s, setData: _sd, ...prefs } = get();
    try {
      localStorage.setItem(KEY, JSON.stringify(prefs));
    } catch {
      // preferences are best effort
    }
  },
  setData(d) {
    set({ data: d });
  },
}));
