/**
 * Transient notices (saved, refused connection, load errors): one at a time, the newest (an
 * error before anything milder), centred under the toolbar — over the canvas, never over the
 * inspector — with a count of the others still pending. Work the user waits for (an ONNX import)
 * shows above them until it ends.
 */
import { useUi } from '../store/ui';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const busy = useUi((s) => s.busy);
  if (toasts.length === 0)
    return busy ? (
      <div className="toasts" aria-live="polite">
        <Busy text={busy} />
      </div>
    ) : null;
  const errors = toasts.filter((t) => t.kind === 'error');
  const t = (errors.length > 0 ? errors : toasts)[(errors.length > 0 ? errors : toasts).length - 1];
  const others = toasts.length - 1;
  return (
    <div className="toasts" aria-live="polite">
      {busy && <Busy text={busy} />}
      <div key={t.id} className={`toast is-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${t.kind}`}>
        <span>{t.text}</span>
        {others > 0 && (
          <span className="toast-more muted" title={`${others} more notice${others === 1 ? '' : 's'}`}>
            +{others}
          </span>
        )}
        <button className="icon-button" onClick={() => useUi.getState().dismiss(t.id)} aria-label="Dismiss">
          ✕
        </button>
      </div>
    </div>
  );
}

function Busy({ text }: { text: string }) {
  return (
    <div className="toast is-info is-busy" role="status" data-testid="busy">
      <span className="busy-spinner" aria-hidden="true" />
      <span>{text}</span>
    </div>
  );
}
