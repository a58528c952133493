/**
 * Choosing the data: a built-in set with its options, or files through a dialog (desktop) or a
 * file input (browser). Shows what was opened — sample counts, shape, classes, a strip of
 * samples — and whether it fits the network, before any training starts.
 */
import { useEffect, useState } from 'react';
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import { formatInt } from '../graph/format';
import { platform } from '../platform';
import { useEditor } from '../store/editor';
import type { DataChoice, DataPreview } from '../platform/training';
import { classifierOutput, dataLabel, fitProblems, fitWarnings, isBuiltinKey, SOURCES, sourceOf, type BuiltinKey, type SourceKey } from './data-choice';
import { NumberField, Section, SelectField } from './fields';
import { SampleStrip } from './SampleStrip';
import { useTrainingUi } from './ui';

export interface PreviewState {
  preview: DataPreview | null;
  error: string | null;
  loading: boolean;
}

/** Describe the chosen data whenever the choice or the network's Input changes. */
export function useDataPreview(choice: DataChoice, inputShape: readonly number[] | null): PreviewState {
  const [state, setState] = useState<PreviewState>({ preview: null, error: null, loading: true });
  const key = JSON.stringify([choice, inputShape]);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    platform.training.describeData(choice, inputShape).then(
      (preview) => live && setState({ preview, error: null, loading: false }),
      (e: unknown) => live && setState({ preview: null, error: e instanceof Error ? e.message : String(e), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

function ShapesOptions({ disabled, classes, report }: { disabled: boolean; classes: number | undefined; report: ShapeReport }) {
  const samples = useTrainingUi((s) => s.shapesSamples);
  const test = useTrainingUi((s) => s.shapesTestSamples);
  const out = classifierOutput(report);
  return (
    <>
      <div className="tgrid">
        <NumberField label="Training samples" value={samples} min={1} max={1_000_000} integer testId="training-shapes-samples" disabled={disabled} onChange={(v) => useTrainingUi.getState().set({ shapesSamples: v })} />
        <NumberField label="Test samples" value={test} min={1} max={1_000_000} integer testId="training-shapes-test" disabled={disabled} onChange={(v) => useTrainingUi.getState().set({ shapesTestSamples: v })} />
      </div>
      {classes !== undefined && out && (
        <p className="field-hint" data-testid="training-shapes-classes">
          {classes} shapes, one per output of {out.id} ({out.units} units).
        </p>
      )}
    </>
  );
}

export function DataSection({ choice, report, preview, locked }: { choice: DataChoice; report: ShapeReport; preview: PreviewState; locked: boolean }) {
  const source = sourceOf(choice);
  const [picking, setPicking] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);
  const ui = useTrainingUi.getState();

  const pick = async (format: Exclude<SourceKey, BuiltinKey>) => {
    setPicking(true);
    setPickError(null);
    try {
      const c = await platform.training.chooseData(format);
      if (c) ui.setData(c);
    } catch (e) {
      setPickError(e instanceof Error ? e.message : String(e));
    } finally {
      setPicking(false);
    }
  };

  const onSource = (v: SourceKey) => {
    setPickError(null);
    if (isBuiltinKey(v)) {
      ui.setData({ kind: 'builtin', ref: { kind: v } });
      // the project remembers a built-in choice (files have no path a project could keep in a browser)
      const t = useEditor.getState().meta.training;
      if (t.dataset?.source !== 'builtin' || t.dataset.name !== v) {
        useEditor.getState().setMeta({ training: { ...t, dataset: { source: 'builtin', name: v, normalize: t.dataset?.normalize ?? 'unit' } } });
      }
    } else void pick(v);
  };

  const p = preview.preview;
  const problems = p ? fitProblems(p, report) : [];
  const warnings = p && problems.length === 0 ? fitWarnings(p, report) : [];
  return (
    <Section title="Data" testId="training-data">
      <SelectField label="Source" value={source} options={SOURCES} onChange={onSource} testId="training-source" disabled={locked || picking} />
      {source === 'shapes' && <ShapesOptions disabled={locked} report={report} classes={choice.kind === 'builtin' && choice.ref.kind === 'shapes' && typeof choice.ref.classes === 'number' ? choice.ref.classes : undefined} />}
      {choice.kind === 'files' && (
        <div className="tfiles">
          <span className="mono small tfiles-label" title={choice.label}>
            {dataLabel(choice)}
          </span>
          <button className="button" disabled={locked || picking} onClick={() => void pick(source as Exclude<SourceKey, BuiltinKey>)}>
            Choose again…
          </button>
        </div>
      )}
      {pickError && <p className="field-error">{pickError}</p>}
      {preview.error && (
        <p className="field-error" data-testid="training-data-error">
          {preview.error}
        </p>
      )}
      {p && (
        <>
          <dl className="kv" data-testid="training-data-info">
            <div>
              <dt>Samples</dt>
              <dd className="mono" data-testid="training-data-count">
                {formatInt(p.trainCount)} train · {p.testCount !== null ? `${formatInt(p.testCount)} test` : 'validation held out'}
              </dd>
            </div>
            <div>
              <dt>Sample shape</dt>
              <dd className="mono">{p.inputShape.join('×')}</dd>
            </div>
            <div>
              <dt>{p.classes ? `Classes (${p.classes.length})` : 'Targets'}</dt>
              <dd className="small">{p.classes ? p.classes.join(', ') : p.targetShape.join('×')}</dd>
            </div>
          </dl>
          <SampleStrip preview={p} />
          {problems.length > 0 ? (
            <div className="inspector-error" role="alert" data-testid="training-fit-error">
              {problems.map((t) => (
                <span key={t}>{t}</span>
              ))}
            </div>
          ) : warnings.length > 0 ? (
            <div className="tfit-warning small" role="status" data-testid="training-fit-warning">
              {warnings.map((t) => (
                <span key={t}>⚠ {t}</span>
              ))}
            </div>
          ) : (
            <p className="tfit-ok small" data-testid="training-fit-ok">
              ✓ Fits the network's Input and output.
            </p>
          )}
        </>
      )}
      {preview.loading && !p && !preview.error && <p className="muted small">Opening the data…</p>}
    </Section>
  );
}
