/**
 * Runs kept from this and earlier sessions: tick two or more to overlay their curves, rename,
 * delete, and resume one that was stopped or interrupted from its checkpoint.
 */
import { useState } from 'react';
import type { RunRecord } from '../platform/training';
import { useUi } from '../store/ui';
import { formatPercent } from './format';
import { isActive, useTraining } from './store';
import { colorOf } from './colors';

const STATUS: Record<RunRecord['status'], string> = {
  starting: 'starting',
  running: 'running',
  paused: 'paused',
  stopped: 'stopped',
  completed: 'done',
  failed: 'failed',
  interrupted: 'interrupted',
};

function RunRow({ r, index }: { r: RunRecord; index: number }) {
  const overlay = useTraining((s) => s.overlay);
  const liveId = useTraining((s) => s.live?.id);
  const liveActive = useTraining((s) => isActive(s.live?.status));
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(r.name);
  const t = useTraining.getState();
  const isLive = liveId === r.id;
  const checked = isLive || overlay.includes(r.id);
  const resumable = !liveActive && r.checkpoint !== null && (r.status === 'stopped' || r.status === 'interrupted' || r.status === 'failed');
  const fail = (e: unknown) => useUi.getState().notify('error', e instanceof Error ? e.message : String(e));
  const finish = () => {
    setEditing(false);
    if (name.trim() && name !== r.name) void t.rename(r.id, name).catch(fail);
    else setName(r.name);
  };
  return (
    <li className={`trun-row${isLive ? ' is-live' : ''}`} data-testid={`training-run-${index}`}>
      <input
        type="checkbox"
        className="trun-check"
        checked={checked}
        disabled={isLive}
        title={isLive ? 'The live run is always drawn' : 'Draw this run’s curves with the live one'}
        aria-label={`Overlay ${r.name}`}
        onChange={() => t.toggleOverlay(r.id)}
        data-testid="training-run-overlay"
      />
      <span className="trun-swatch" style={{ background: colorOf(r.id) }} />
      <div className="trun-main">
        {editing ? (
          <input
            className="field-input trun-name-input"
            value={name}
            autoFocus
            aria-label="Run name"
            onChange={(e) => setName(e.target.value)}
            onBlur={finish}
            onKeyDown={(e) => {
              if (e.key === 'Enter') finish();
              if (e.key === 'Escape') {
                setName(r.name);
                setEditing(false);
              }
            }}
            data-testid="training-run-name-input"
          />
        ) : (
          <button className="trun-name" title={`${r.name} — double-click to rename`} onDoubleClick={() => setEditing(true)} data-testid="training-run-name">
            {r.name}
          </button>
        )}
        <span className="trun-meta small muted">
          <span className={`trun-status is-${r.status}`}>{STATUS[r.status]}</span>
          {r.final?.valAccuracy != null && <span> · val {formatPercent(r.final.valAccuracy)}</span>}
          {r.backend && <span> · {r.backend}</span>}
          <span> · {new Date(r.createdAt).toLocaleString()}</span>
        </span>
      </div>
      <div className="trun-actions">
        {resumable && (
          <button className="icon-button" title="Resume from its checkpoint" aria-label={`Resume ${r.name}`} onClick={() => void t.resumeRun(r.id).catch(fail)} data-testid="training-run-resume">
            ▶
          </button>
        )}
        <button className="icon-button" title="Rename" aria-label={`Rename ${r.name}`} onClick={() => setEditing(true)}>
          ✎
        </button>
        <button
          className="icon-button"
          title="Delete this run and its checkpoint"
          aria-label={`Delete ${r.name}`}
          disabled={isLive && liveActive}
          onClick={() => void t.remove(r.id).catch(fail)}
          data-testid="training-run-delete"
        >
          ✕
        </button>
      </div>
    </li>
  );
}

export function RunsList() {
  const runs = useTraining((s) => s.runs);
  if (runs.length === 0) return <p className="muted small">Runs you train are kept here, with their settings and curves.</p>;
  return (
    <ul className="trun-list" data-testid="training-runs">
      {runs.map((r, i) => (
        <RunRow key={r.id} r={r} index={i} />
      ))}
    </ul>
  );
}
