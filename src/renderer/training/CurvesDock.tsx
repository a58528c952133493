/**
 * The curves dock under the canvas: loss and accuracy of the live run (or the last one) and of
 * every run ticked in the runs list, training per step or per epoch, validation per epoch, with
 * a log scale for the loss.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { chartData, hasMetric, type ChartRun } from './chart-data';
import { Chart } from './Chart';
import { colorOf } from './colors';
import { curvesOf, useTraining } from './store';
import { displayCurves } from './thin-curves';
import { useTrainingUi } from './ui';

function useChartRuns(): ChartRun[] {
  const ids = useTraining(useShallow((s) => [...(s.live ? [s.live.id] : []), ...s.overlay.filter((id) => id !== s.live?.id)]));
  const names = useTraining(useShallow((s) => ids.map((id) => (s.live?.id === id ? s.live.name : (s.runs.find((r) => r.id === id)?.name ?? id)))));
  const version = useTraining((s) => s.curvesVersion);
  return useMemo(
    () =>
      ids.flatMap((id, i) => {
        const curves = curvesOf(id);
        // thinned for drawing: a long run costs each frame a bounded number of points
        return curves ? [{ id, name: names[i], color: colorOf(id), curves: displayCurves(curves) }] : [];
      }),
    // curves are appended in place; the version says when to read them again
    [ids, names, version],
  );
}

export function CurvesDock() {
  const runs = useChartRuns();
  const scale = useTrainingUi((s) => s.scale);
  const logLoss = useTrainingUi((s) => s.logLoss);
  const ui = useTrainingUi.getState();
  const loss = useMemo(() => chartData(runs, 'loss', scale), [runs, scale]);
  const accuracy = useMemo(() => chartData(runs, 'accuracy', scale), [runs, scale]);
  const showAccuracy = hasMetric(runs, 'accuracy');
  return (
    <section className="tdock" aria-label="Training curves" data-testid="training-curves">
      <div className="summary-header tdock-header">
        <span>Curves</span>
        <span className="muted">{runs.length === 0 ? 'train a run to see its loss and accuracy' : runs.length === 1 ? runs[0].name : `${runs.length} runs overlaid`}</span>
        <span className="status-spacer" />
        <div className="segmented tdock-scale" role="group" aria-label="Training curve resolution">
          <button className={scale === 'step' ? 'is-on' : ''} onClick={() => ui.set({ scale: 'step' })} data-testid="training-scale-step">
            Per step
          </button>
          <button className={scale === 'epoch' ? 'is-on' : ''} onClick={() => ui.set({ scale: 'epoch' })} data-testid="training-scale-epoch">
            Per epoch
          </button>
        </div>
        <label className="switch small">
          <input type="checkbox" checked={logLoss} onChange={(e) => ui.set({ logLoss: e.target.checked })} data-testid="training-log-scale" />
          <span className="switch-track" />
          <span className="switch-text">Log loss</span>
        </label>
        <button className="icon-button" title="Close curves" aria-label="Close curves" onClick={() => ui.set({ dockOpen: false })}>
          ✕
        </button>
      </div>
      {runs.length === 0 ? (
        <div className="tdock-empty muted">Press Train: the loss and accuracy of the run draw here as it goes, step by step and epoch by epoch.</div>
      ) : (
        <div className="tdock-charts">
          <Chart title="Loss" data={loss} log={logLoss} testId="training-chart-loss" />
          {showAccuracy && <Chart title="Accuracy" data={accuracy} percent testId="training-chart-accuracy" />}
        </div>
      )}
    </section>
  );
}
