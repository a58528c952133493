/** What an empty canvas shows: ways to start, and the recent projects. */
import { useEffect, useState } from 'react';
import { platform } from '../platform';
import type { RecentEntry } from '../platform/types';
import { run } from '../shell/commands';
import { openRecent } from '../project/actions';
import { shortcutFor } from '../shell/shortcuts';

export function EmptyCanvas() {
  const [recent, setRecent] = useState<RecentEntry[]>([]);
  useEffect(() => {
    platform.listRecent().then(setRecent, () => setRecent([]));
  }, []);
  return (
    <div className="empty-canvas" data-testid="empty-canvas">
      <div className="empty-card">
        <h2>Start a network</h2>
        <p className="muted">Drag a layer from the palette, press {shortcutFor('quickAdd')} on the canvas, or begin from a classic architecture.</p>
        <div className="button-row">
          <button className="button primary" onClick={() => run('showGallery')} data-testid="empty-presets">
            Browse presets
          </button>
          <button className="button" onClick={() => run('open')}>
            Open project…
          </button>
        </div>
        {recent.length > 0 && (
          <div className="recent">
            <h3>Recent</h3>
            <ul>
              {recent.slice(0, 6).map((r) => (
                <li key={r.id}>
                  <button className="link" onClick={() => void openRecent(r.id)} title={r.detail}>
                    {r.name}
                  </button>
                  <span className="muted small">{r.detail}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
