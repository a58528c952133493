/** Rename a layer (its node id): checked by the engine's graph parser and for uniqueness, applied on Enter or blur. */
import { useEffect, useState } from 'react';
import { useEditor } from '../store/editor';
import { checkName } from './validate';

export function NameField({ id, type }: { id: string; type: string }) {
  const [draft, setDraft] = useState(id);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(id);
    setError(null);
  }, [id]);

  const validate = (name: string) => {
    const taken = new Set(useEditor.getState().nodes.map((n) => n.id).filter((n) => n !== id));
    return checkName(name, type, taken);
  };
  const commit = () => {
    if (draft === id) return;
    const problem = validate(draft);
    if (problem) {
      setError(problem);
      return;
    }
    useEditor.getState().renameNode(id, draft);
  };

  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label className="field-label">Name</label>
      <div className="field-control">
        <input
          className={`field-input mono${error ? ' is-invalid' : ''}`}
          value={draft}
          spellCheck={false}
          onChange={(e) => {
            setDraft(e.target.value);
            setError(e.target.value === id ? null : validate(e.target.value));
          }}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') {
              setDraft(id);
              setError(null);
            }
          }}
          aria-label="Layer name"
          aria-invalid={!!error}
          data-testid="inspector-name"
        />
      </div>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : (
        <div className="field-hint">the node id: used in files, weights (“{draft}.weight”) and messages</div>
      )}
    </div>
  );
}
