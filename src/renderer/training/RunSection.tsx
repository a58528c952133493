/**
 * Train / Pause / Resume / Stop, the progress of the live run (epoch, step, samples/s, ETA and
 * the backend that really runs), its final metrics, and a failure in place: the worker's
 * message, the curves kept, and a way back from the last checkpoint.
 */
import { curvesOf, useTraining, isActive, type LiveRun } from './store';
import { formatCheckpoint, formatDuration, formatLoss, formatPercent, formatRate, withoutCheckpointNote } from './format';
import { BACKEND_LABELS } from './SettingsSection';

function ProgressBar({ live }: { live: LiveRun }) {
  const p = live.progress;
  const total = live.epochs * p.stepsPerEpoch;
  const done = p.stepsPerEpoch > 0 ? (p.epoch - 1) * p.stepsPerEpoch + p.step : 0;
  const fraction = live.status === 'completed' ? 1 : total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="tprogress" data-testid="training-progress">
      <div className="tprogress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} aria-label="Training progress">
        <div className={`tprogress-fill is-${live.status}`} style={{ width: `${(fraction * 100).toFixed(2)}%` }} data-testid="training-progress-fill" />
      </div>
      <dl className="tstats">
        <div>
          <dt>Epoch</dt>
          <dd className="mono" data-testid="training-epoch">
            {p.epoch > 0 ? `${p.epoch} / ${live.epochs}` : '—'}
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd className="mono" data-testid="training-step">
            {p.stepsPerEpoch > 0 ? `${p.step} / ${p.stepsPerEpoch}` : '—'}
          </dd>
        </div>
        <div>
          <dt>Samples/s</dt>
          <dd className="mono" data-testid="training-rate">
            {live.status === 'running' ? formatRate(p.samplesPerSec) : '—'}
          </dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd className="mono" data-testid="training-eta">
            {live.status === 'running' ? formatDuration(p.etaSeconds) : '—'}
          </dd>
        </div>
      </dl>
      <div className="tbackend small" data-testid="training-running-on">
        {live.backend ? (
          <>
            {isActive(live.status) ? 'Running on' : 'Ran on'} <strong>{BACKEND_LABELS[live.backend] ?? live.backend}</strong>
            {live.requestedBackend && live.requestedBackend !== live.backend ? <span className="muted"> (asked: {live.requestedBackend})</span> : null}
            {live.adapter ? <span className="muted"> · {live.adapter}</span> : null}
          </>
        ) : (
          <span className="muted">{live.status === 'starting' && !live.phase ? 'Starting the training worker…' : live.status === 'starting' ? 'Starting' : 'Backend not known yet'}</span>
        )}
      </div>
      {live.phase && (live.status === 'starting' || live.status === 'running') ? (
        <div className="small muted" data-testid="training-phase">
          {PHASE_TEXT[live.phase] ?? live.phase}
        </div>
      ) : null}
    </div>
  );
}

/** What the worker does before the first step (the protocol's `phase` event). */
const PHASE_TEXT: Record<string, string> = { data: 'Preparing the data…', compile: 'Compiling kernels…' };

function statusText(live: LiveRun): string {
  switch (live.status) {
    case 'starting':
      return 'Starting';
    case 'running':
      return 'Training';
    case 'paused':
      return 'Paused';
    case 'completed':
      return 'Finished';
    case 'stopped':
      return 'Stopped';
    case 'failed':
      return 'Failed';
    case 'interrupted':
      return 'Interrupted';
  }
}

function FinalMetrics({ live }: { live: LiveRun }) {
  const f = live.final;
  if (!f) return null;
  // from the end: the epoch asked for is the last one (a long run has thousands before it)
  const timing = curvesOf(live.id)?.epoch.findLast((p) => p.epoch === f.epoch);
  return (
    <dl className="kv tfinal" data-testid="training-final">
      <div>
        <dt>After epoch {f.epoch}</dt>
        <dd className="mono small muted" data-testid="training-epoch-time">
          {timing ? `${timing.seconds.toFixed(1)} s · ${formatRate(timing.samplesPerSec)} samples/s` : ''}
        </dd>
      </div>
      {f.valAccuracy !== null && (
        <div>
          <dt>Validation accuracy</dt>
          <dd className="mono strong" data-testid="training-val-accuracy">
            {formatPercent(f.valAccuracy)}
          </dd>
        </div>
      )}
      <div>
        <dt>Validation loss</dt>
        <dd className="mono">{formatLoss(f.valLoss)}</dd>
      </div>
      {f.trainAccuracy !== null && (
        <div>
          <dt>Training accuracy</dt>
          <dd className="mono">{formatPercent(f.trainAccuracy)}</dd>
        </div>
      )}
      <div>
        <dt>Training loss</dt>
        <dd className="mono">{formatLoss(f.trainLoss)}</dd>
      </div>
    </dl>
  );
}

function Failure({ live }: { live: LiveRun }) {
  const e = live.error!;
  const canResume = live.checkpoint !== null;
  return (
    <div className="inspector-error tfailure" role="alert" data-testid="training-error">
      <strong>{e.node ? `Training failed at ${e.node}` : 'Training failed'}</strong>
      <span className="tfailure-message" data-testid="training-error-message">
        {withoutCheckpointNote(e.message)}
      </span>
      <span className="small">
        The curves so far are kept.
        {canResume ? ` The last checkpoint is at ${formatCheckpoint(live.checkpoint!)}.` : ' No checkpoint was written yet.'}
      </span>
      {canResume && (
        <div className="button-row">
          <button className="button" data-testid="training-resume-checkpoint" onClick={() => void useTraining.getState().resumeRun(live.id)}>
            Resume from checkpoint
          </button>
        </div>
      )}
    </div>
  );
}

export function RunSection({ blocked, onTrain }: { blocked: string | null; onTrain(): void }) {
  const live = useTraining((s) => s.live);
  const active = isActive(live?.status);
  const t = useTraining.getState();
  return (
    <section className="inspector-section tsection trun" data-testid="training-run">
      <h3 className="tsection-title">
        <span>Run</span>
        {live && (
          <span className={`tstatus is-${live.status}`} data-testid="training-status">
            {statusText(live)}
          </span>
        )}
      </h3>
      <div className="button-row trun-buttons">
        {!active ? (
          <button className="button primary" disabled={blocked !== null} title={blocked ?? 'Train the network on the chosen data'} onClick={onTrain} data-testid="training-train">
            ▶ Train
          </button>
        ) : live!.status === 'paused' ? (
          <button className="button primary" onClick={() => t.resume()} data-testid="training-resume">
            ▶ Resume
          </button>
        ) : (
          <button className="button" disabled={live!.status !== 'running'} onClick={() => t.pause()} data-testid="training-pause">
            ❚❚ Pause
          </button>
        )}
        <button className="button danger" disabled={!active} onClick={() => t.stop()} data-testid="training-stop" title="Stop after this step, keeping a checkpoint to resume from">
          ■ Stop
        </button>
        {!active && live && live.status === 'stopped' && live.checkpoint && (
          <button className="button" onClick={() => void t.resumeRun(live.id)} data-testid="training-continue">
            Continue
          </button>
        )}
      </div>
      {blocked && !active && (
        <p className="field-hint" data-testid="training-blocked">
          {blocked}
        </p>
      )}
      {live && <ProgressBar live={live} />}
      {live?.status === 'failed' && live.error && <Failure live={live} />}
      {live?.error && live.status !== 'failed' && <p className="field-error">{live.error.message}</p>}
      {live && <FinalMetrics live={live} />}
    </section>
  );
}
