/**
 * "Look inside" the trained network: evaluation on the validation split, and one sample
 * through every layer. Answers come from the live run's worker, which stays up after the run
 * ends; while it trains, the views follow its weights.
 */
import { useVisuals, type InsideTab } from '../store';
import { EvaluationTab } from './EvaluationTab';
import { LayersTab } from './LayersTab';
import { SaliencyTab } from './SaliencyTab';
import { useRunInfo } from './runInfo';
import '../visuals.css';

const TABS: { id: InsideTab; label: string }[] = [
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'layers', label: 'Layer by layer' },
  { id: 'saliency', label: 'Why (saliency)' },
];

export function InsideDialog() {
  const tab = useVisuals((s) => s.inside);
  const info = useRunInfo();
  if (!tab) return null;
  const close = () => useVisuals.getState().openInside(null);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal inside" role="dialog" aria-label="Look inside the network" data-testid="inside" onKeyDown={(e) => e.key === 'Escape' && close()}>
        <header className="modal-header">
          <div>
            <h2>Look inside</h2>
            <p className="muted">{info ? `${info.name} · ${info.status}` : 'No run yet'}</p>
          </div>
          <div className="panel-tabs inside-tabs" role="tablist">
            {TABS.map((t) => (
              <button key={t.id} role="tab" aria-selected={tab === t.id} className={`panel-tab${tab === t.id ? ' is-active' : ''}`} onClick={() => useVisuals.getState().openInside(t.id)} data-testid={`inside-tab-${t.id}`}>
                {t.label}
              </button>
            ))}
          </div>
          <button className="icon-button" onClick={close} title="Close (Esc)" aria-label="Close" autoFocus>
            ✕
          </button>
        </header>
        <div className="inside-body">
          {!info ? (
            <p className="muted">Train the network first (the Train tab beside the inspector): evaluation and feature maps come from the trained weights.</p>
          ) : tab === 'evaluation' ? (
            <EvaluationTab info={info} />
          ) : tab === 'saliency' ? (
            <SaliencyTab info={info} />
          ) : (
            <LayersTab info={info} />
          )}
        </div>
      </div>
    </div>
  );
}
