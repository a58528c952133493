/**
 * The canvas's preview control: on/off, which sample goes through the network, and whose
 * weights the pictures show (the seed's initial ones, or the run's).
 */
import { Panel } from '@xyflow/react';
import { usePreview } from './store';

export function PreviewBar() {
  const enabled = usePreview((s) => s.enabled);
  const sample = usePreview((s) => s.sample);
  const source = usePreview((s) => s.source);
  const busy = usePreview((s) => s.busy);
  const error = usePreview((s) => s.error);
  const note = usePreview((s) => s.note);
  const version = usePreview((s) => s.version);
  const set = usePreview((s) => s.set);
  const step = (d: number) => set({ sample: Math.max(0, sample + d) });
  return (
    <Panel position="top-right" className="preview-bar" data-testid="preview-bar">
      <label className="preview-toggle">
        <input type="checkbox" checked={enabled} onChange={(e) => set({ enabled: e.target.checked })} data-testid="preview-enabled" />
        Data preview
      </label>
      {enabled && (
        <>
          <span className="preview-sample">
            <button type="button" className="btn-icon" onClick={() => step(-1)} disabled={sample === 0} aria-label="previous sample">
              ‹
            </button>
            <label>
              sample{' '}
              <input
                type="number"
                min={0}
                value={sample}
                onChange={(e) => {
                  const n = Math.floor(Number(e.target.value));
                  if (Number.isFinite(n) && n >= 0) set({ sample: n });
                }}
                data-testid="preview-sample"
              />
            </label>
            <button type="button" className="btn-icon" onClick={() => step(1)} aria-label="next sample">
              ›
            </button>
          </span>
          <span className={`preview-status${error ? ' is-error' : ''}`} data-testid="preview-status" data-version={version} title={error ?? undefined}>
            {error ? error : busy ? 'computing…' : note ? note : source === 'trained' ? 'trained weights' : source === 'initial' ? 'initial weights' : ''}
          </span>
        </>
      )}
    </Panel>
  );
}
