/** Offered at start-up when the last session ended with unsaved work (a crash, a killed window). */
import { platform } from '../platform';
import { loadText } from '../project/actions';
import { useUi } from '../store/ui';

export function RecoveryBanner() {
  const recovery = useUi((s) => s.recovery);
  if (!recovery) return null;
  const when = new Date(recovery.savedAt).toLocaleString();
  const dismiss = () => useUi.getState().setRecovery(null);
  return (
    <div className="banner" role="alert" data-testid="recovery-banner">
      <span>
        Unsaved work on <strong>{recovery.name}</strong> from {when} was recovered.
      </span>
      <button
        className="button primary"
        data-testid="recovery-restore"
        onClick={async () => {
          const snap = await platform.readRecovery();
          dismiss();
          if (snap) await loadText(snap.content, `recovered ${snap.name}`, { name: snap.name, path: snap.path }, { dirty: true });
        }}
      >
        Restore
      </button>
      <button
        className="button plain"
        data-testid="recovery-discard"
        onClick={async () => {
          dismiss();
          await platform.clearRecovery();
        }}
      >
        Discard
      </button>
    </div>
  );
}
