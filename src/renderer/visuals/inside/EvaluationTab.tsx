/**
 * Evaluation on the validation split (seed fig. 18-38): accuracy and loss, the confusion
 * matrix (counts or shares, a cell picks its samples) and a grid of validation pictures with
 * the network's guesses, mistakes marked.
 */
import { useEffect, useMemo, useState } from 'react';
import { formatValue } from '../colormap';
import { useVisuals } from '../store';
import { ClassReportTable } from './ClassReportTable';
import { ConfusionMatrix, type CellPick } from './ConfusionMatrix';
import { PredictionGrid } from './PredictionGrid';
import { useEvaluation } from './queries';
import { className, type RunInfo } from './runInfo';

const PAGE = 48;

type Filter = 'all' | 'mistakes' | 'cell';

export function EvaluationTab({ info }: { info: RunInfo }) {
  const answer = useEvaluation(true);
  const ev = answer.value;
  const [mode, setMode] = useState<'counts' | 'normalised'>('counts');
  const [picked, setPicked] = useState<CellPick>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [shown, setShown] = useState(PAGE);

  useEffect(() => {
    if (ev) useVisuals.getState().setEvaluation({ runId: info.runId, value: ev });
  }, [ev, info.runId]);

  const samples = ev?.samples ?? null;
  const indices = useMemo(() => {
    if (!samples) return [];
    const all = Array.from(samples.truth.keys());
    if (filter === 'mistakes') return all.filter((i) => samples.truth[i] !== samples.predicted[i]);
    if (filter === 'cell' && picked) return all.filter((i) => samples.truth[i] === picked.truth && samples.predicted[i] === picked.predicted);
    return all;
  }, [samples, filter, picked]);
  const mistakes = samples ? samples.truth.reduce((a, t, i) => a + (t !== samples.predicted[i] ? 1 : 0), 0) : 0;

  const pick = (cell: CellPick) => {
    setPicked(cell);
    setFilter(cell ? 'cell' : 'all');
    setShown(PAGE);
  };

  if (!ev) {
    return <p className={answer.error ? 'bad' : 'muted'}>{answer.error ?? 'Evaluating on the validation split…'}</p>;
  }
  const live = info.status === 'running' || info.status === 'starting';
  return (
    <div className="evaluation" data-testid="evaluation">
      <div className="evaluation-stats">
        {ev.accuracy !== null && (
          <div className="stat">
            <span className="stat-value mono" data-testid="evaluation-accuracy">
              {(ev.accuracy * 100).toFixed(1)} %
            </span>
            <span className="stat-label muted">accuracy</span>
          </div>
        )}
        <div className="stat">
          <span className="stat-value mono">{ev.loss === null ? '—' : formatValue(ev.loss)}</span>
          <span className="stat-label muted">{info.classifier ? 'cross-entropy' : 'mean squared error'}</span>
        </div>
        <div className="stat">
          <span className="stat-value mono" data-testid="evaluation-count">
            {ev.count.toLocaleString('en-US')}
          </span>
          <span className="stat-label muted">validation samples</span>
        </div>
        {samples && (
          <div className="stat">
            <span className="stat-value mono bad">{mistakes.toLocaleString('en-US')}</span>
            <span className="stat-label muted">mistakes</span>
          </div>
        )}
        <span className="muted small evaluation-when">{live ? (answer.loading ? 'updating…' : 'updates as the run trains') : 'with the run’s final weights'}</span>
      </div>
      {ev.confusion && info.classes ? (
        <div className="evaluation-body">
          <section className="evaluation-matrix">
            <header className="evaluation-section-head">
              <h3>Confusion matrix</h3>
              <div className="segmented" role="group" aria-label="Cell values">
                <button className={mode === 'counts' ? 'is-on' : ''} onClick={() => setMode('counts')} data-testid="confusion-counts">
                  Counts
                </button>
                <button className={mode === 'normalised' ? 'is-on' : ''} onClick={() => setMode('normalised')} data-testid="confusion-normalised">
                  % of row
                </button>
              </div>
            </header>
            <ConfusionMatrix counts={ev.confusion} classes={info.classes} mode={mode} picked={picked} onPick={pick} />
            <h3 className="class-report-title">Per class</h3>
            <ClassReportTable counts={ev.confusion} info={info} />
          </section>
          <section className="evaluation-grid">
            <header className="evaluation-section-head">
              <h3>Predictions</h3>
              <div className="segmented" role="group" aria-label="Which samples">
                <button className={filter === 'all' ? 'is-on' : ''} onClick={() => pick(null)} data-testid="grid-all">
                  All
                </button>
                <button
                  className={filter === 'mistakes' ? 'is-on' : ''}
                  onClick={() => {
                    setPicked(null);
                    setFilter('mistakes');
                    setShown(PAGE);
                  }}
                  data-testid="grid-mistakes"
                >
                  Mistakes ({mistakes})
                </button>
                {picked && (
                  <button className={filter === 'cell' ? 'is-on' : ''} onClick={() => setFilter('cell')} data-testid="grid-cell">
                    {className(info, picked.truth)} → {className(info, picked.predicted)}
                  </button>
                )}
              </div>
            </header>
            {samples ? (
              <>
                <p className="muted small" data-testid="grid-caption">
                  {filter === 'cell' && picked
                    ? `${indices.length} samples of class ${className(info, picked.truth)} predicted as ${className(info, picked.predicted)}`
                    : filter === 'mistakes'
                      ? `${indices.length} samples the network got wrong`
                      : `${indices.length} validation samples, in order`}
                </p>
                <PredictionGrid info={info} truth={samples.truth} predicted={samples.predicted} indices={indices.slice(0, shown)} tile={64} />
                {indices.length > shown && (
                  <button className="button" onClick={() => setShown(shown + PAGE)} data-testid="grid-more">
                    Show {Math.min(PAGE, indices.length - shown)} more
                  </button>
                )}
              </>
            ) : (
              <p className="muted">This worker does not send per-sample predictions.</p>
            )}
          </section>
        </div>
      ) : (
        <p className="muted">{info.classifier ? 'The data has no class names yet.' : 'A regression network has no classes: compare its output with the target on the Layers tab or in the Visuals panel.'}</p>
      )}
    </div>
  );
}
