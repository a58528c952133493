/** Renders the current in-app question (see confirm.ts) as a modal dialog. */
import { useEffect, useRef } from 'react';
import { useConfirm } from './confirm';

export function ConfirmHost() {
  const current = useConfirm((s) => s.current);
  const primary = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    primary.current?.focus();
  }, [current]);
  if (!current) return null;
  return (
    <div className="modal-backdrop">
      <div
        className="modal confirm"
        role="dialog"
        aria-modal
        aria-label={current.title}
        data-testid="confirm"
        onKeyDown={(e) => {
          if (e.key === 'Escape') current.resolve(current.cancelId);
        }}
      >
        <h2>{current.title}</h2>
        <p>{current.message}</p>
        <div className="button-row end">
          {current.buttons.map((b) => (
            <button key={b.id} ref={b.kind === 'primary' ? primary : undefined} className={`button ${b.kind ?? 'plain'}`} onClick={() => current.resolve(b.id)} data-testid={`confirm-${b.id}`}>
              {b.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
