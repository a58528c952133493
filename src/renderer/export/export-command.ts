/**
 * File → Export model…: one command, from the native menu, the toolbar or a shortcut, that opens
 * the Train tab's export control (ExportModel in the Weights section) — the only place exporting
 * happens. Without trained weights it says why instead.
 */
import { requests, useTraining, type TrainingState } from '../training/store';
import { useTrainingUi } from '../training/ui';
import { useUi } from '../store/ui';

/** Why the model cannot be exported now, or null when it can (the same test the export button uses). */
export function exportModelBlocker(live: TrainingState['live'], workerUp: boolean): string | null {
  if (!live || live.progress.globalStep === 0) return 'Export model needs trained weights: train the network in the Train tab first';
  if (!workerUp) return "Export model needs the run's worker (it checks the export against it): train again, then export";
  return null;
}

export const currentExportBlocker = (): string | null => exportModelBlocker(useTraining.getState().live, requests.available());

/** Show the export control, scrolled into view with its format choice focused. */
export function openModelExport(): void {
  useTrainingUi.getState().set({ tab: 'train' });
  const blocker = currentExportBlocker();
  if (blocker) useUi.getState().notify('info', blocker);
  // The Train tab renders on the next frame when it was not showing.
  let tries = 0;
  const focus = () => {
    const el = document.querySelector<HTMLElement>('[data-testid="export-model"]');
    if (!el) {
      if (++tries < 20) requestAnimationFrame(focus);
      return;
    }
    el.scrollIntoView({ block: 'center' });
    el.querySelector<HTMLSelectElement>('[data-testid="export-model-format"]')?.focus();
  };
  requestAnimationFrame(focus);
}
