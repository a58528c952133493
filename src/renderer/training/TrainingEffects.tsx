/**
 * App-wide training effects: load the kept runs once, lock the canvas for structural edits
 * while a run is live (refused edits say why), and show the lock on the canvas.
 */
import { useEffect } from 'react';
import { platform } from '../platform';
import { setLockedEditHandler, useEditor } from '../store/editor';
import { useUi } from '../store/ui';
import { connectTraining } from './connect';
import { isActive, useTraining } from './store';

// before any component renders: the store's platform is this app's
connectTraining(platform.training);

export const LOCK_REASON = 'Training: the network is locked until the run stops.';

export function useTrainingEffects(): void {
  const active = useTraining((s) => isActive(s.live?.status));
  useEffect(() => {
    void useTraining.getState().loadRuns();
    let last = 0;
    setLockedEditHandler((reason) => {
      // one notice per burst of refused edits (a held key repeats)
      if (Date.now() - last < 1500) return;
      last = Date.now();
      useUi.getState().notify('info', reason);
    });
  }, []);
  useEffect(() => {
    useEditor.getState().setLock(active ? LOCK_REASON : null);
  }, [active]);
}

export function TrainingLockBanner() {
  const lock = useEditor((s) => s.lock);
  if (!lock) return null;
  return (
    <div className="tlock" role="status" data-testid="canvas-lock">
      <svg className="tlock-icon" width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.4} aria-hidden>
        <path d="M3.5 7.5h9v7h-9z M5.5 7.5V5a2.5 2.5 0 0 1 5 0v2.5" />
      </svg>
      <span>{lock}</span>
      <button className="button plain tlock-stop" onClick={() => useTraining.getState().stop()}>
        Stop run
      </button>
    </div>
  );
}
