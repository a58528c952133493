/** Which visual views are open; view state only, never part of the document. */
import { create } from 'zustand';

export interface VisualsState {
  playgroundOpen: boolean;
  setPlaygroundOpen(open: boolean): void;
}

export const useVisuals = create<VisualsState>()((set) => ({
  playgroundOpen: false,
  setPlaygroundOpen(playgroundOpen) {
    set({ playgroundOpen });
  },
}));
