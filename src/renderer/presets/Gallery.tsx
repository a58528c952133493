/**
 * The presets gallery: every shipped preset with its silhouette, one line of description, size
 * and parameter total (from the engine). Opening one loads it as an ordinary, unsaved project.
 */
import { useEffect, useMemo, useState } from 'react';
import { formatCompact, formatInt } from '../graph/format';
import { reportFor } from '../graph/report';
import { toGraph } from '../graph/toGraph';
import { openPreset } from '../project/actions';
import { useUi } from '../store/ui';
import { presets, type Preset } from './presets';
import { Thumbnail } from './Thumbnail';

function PresetCard({ preset }: { preset: Preset }) {
  const report = useMemo(() => (preset.doc ? reportFor(toGraph(preset.doc.nodes, preset.doc.edges)) : null), [preset]);
  const expected = preset.doc?.meta.expectedParams ?? null;
  const open = () => void openPreset(preset.text, preset.file, preset.name);
  return (
    <button className={`preset-card${preset.error ? ' is-broken' : ''}`} onClick={open} disabled={!!preset.error} data-testid="preset-card" data-file={preset.file} title={preset.error ?? preset.description}>
      <div className="preset-thumb">{preset.doc ? <Thumbnail doc={preset.doc} /> : <span className="bad small">{preset.error}</span>}</div>
      <div className="preset-text">
        <div className="preset-name">{preset.name}</div>
        <div className="preset-description">{preset.description || preset.file}</div>
        {report && (
          <div className="preset-meta mono">
            {preset.doc!.nodes.length} layers · {formatCompact(report.totals.params)} params
            {expected !== null && expected === report.totals.params && <span className="ok" title={`matches the published ${formatInt(expected)}`}> ✓</span>}
            {!report.ok && <span className="bad"> · {report.errors.length} problems</span>}
          </div>
        )}
      </div>
    </button>
  );
}

export function Gallery() {
  const open = useUi((s) => s.galleryOpen);
  const [query, setQuery] = useState('');
  useEffect(() => {
    if (open) setQuery('');
  }, [open]);
  if (!open) return null;
  const all = presets();
  const q = query.trim().toLowerCase();
  const shown = q ? all.filter((p) => `${p.name} ${p.description} ${p.file}`.toLowerCase().includes(q)) : all;
  const close = () => useUi.getState().setGalleryOpen(false);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        className="modal gallery"
        role="dialog"
        aria-label="Presets"
        data-testid="gallery"
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
        }}
      >
        <header className="modal-header">
          <div>
            <h2>Presets</h2>
            <p className="muted">Classic networks and the seed’s experiments. Each opens as a new project you can edit.</p>
          </div>
          <input type="search" className="gallery-search" placeholder="Filter presets" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus aria-label="Filter presets" />
          <button className="icon-button" onClick={close} title="Close (Esc)" aria-label="Close">
            ✕
          </button>
        </header>
        <div className="gallery-grid">
          {shown.map((p) => (
            <PresetCard key={p.file} preset={p} />
          ))}
          {all.length === 0 && (
            <div className="gallery-empty" data-testid="gallery-empty">
              <strong>No presets installed</strong>
              <span>Preset projects live in resources/presets/*.convas.json; none were bundled with this build.</span>
            </div>
          )}
          {all.length > 0 && shown.length === 0 && <div className="gallery-empty">No preset matches “{query}”.</div>}
        </div>
      </div>
    </div>
  );
}
