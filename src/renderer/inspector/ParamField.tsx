/**
 * One parameter in the inspector, drawn from its ParamDef: a control per kind, the label with
 * the help text, the default and range, and the engine's message when a typed value is refused
 * (the node keeps its last valid value). Valid values apply as you type.
 */
import { useEffect, useState } from 'react';
import type { ParamDef } from '../../engine/layers/params';
import { checkParam, parseNumber, parseShapeText, rangeText, valueText } from './validate';

interface Props {
  nodeId: string;
  def: ParamDef;
  value: unknown;
  onChange(value: unknown): void;
  onReset(): void;
}

/** A text field whose draft survives invalid input; it follows the stored value when that changes. */
function useDraft(value: unknown, toText: (v: unknown) => string) {
  const [draft, setDraft] = useState(() => toText(value));
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(value ?? null);
  useEffect(() => {
    setDraft(toText(value));
    setError(null);
  }, [key]);
  return { draft, setDraft, error, setError };
}

const numberText = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function NumberInput({ nodeId, def, value, onChange, testId }: Props & { testId: string }) {
  const { draft, setDraft, error, setError } = useDraft(value, numberText);
  const apply = (text: string) => {
    setDraft(text);
    const r = checkParam(nodeId, def, parseNumber(text));
    if (r.ok) {
      setError(null);
      onChange(r.value);
    } else setError(r.message);
  };
  return (
    <FieldFrame def={def} error={error} value={value}>
      <input
        className={`field-input mono${error ? ' is-invalid' : ''}`}
        inputMode="decimal"
        value={draft}
        placeholder={value === undefined ? 'required' : ''}
        onChange={(e) => apply(e.target.value)}
        onKeyDown={(e) => stepNumber(e, def, draft, apply)}
        aria-invalid={!!error}
        aria-label={def.label}
        data-testid={testId}
      />
    </FieldFrame>
  );
}

/** Arrow keys step integers (Shift: ×10), as in every design tool. */
function stepNumber(e: React.KeyboardEvent, def: ParamDef, draft: string, apply: (t: string) => void) {
  if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
  const n = Number(draft);
  if (!Number.isFinite(n)) return;
  const unit = def.kind === 'float' ? 0.1 : 1;
  const step = (e.shiftKey ? 10 : 1) * unit * (e.key === 'ArrowUp' ? 1 : -1);
  const next = def.kind === 'float' ? Number((n + step).toPrecision(12)) : n + step;
  e.preventDefault();
  apply(String(next));
}

function PairInput({ nodeId, def, value, onChange, testId, custom }: Props & { testId: string; custom?: boolean }) {
  const arr = Array.isArray(value) ? (value as unknown[]) : typeof value === 'number' ? [value, value] : [undefined, undefined];
  const [drafts, setDrafts] = useState<[string, string]>([numberText(arr[0]), numberText(arr[1])]);
  const [error, setError] = useState<string | null>(null);
  // square by default (3×3, 2×2): one number edits both until the link is undone
  const [linked, setLinked] = useState(arr[0] === arr[1]);
  const key = JSON.stringify(value ?? null);
  useEffect(() => {
    setDrafts([numberText(arr[0]), numberText(arr[1])]);
    setError(null);
  }, [key]);
  const apply = (i: 0 | 1, text: string) => {
    const next: [string, string] = linked ? [text, text] : [...drafts];
    next[i] = text;
    setDrafts(next);
    // Padding's own check allows 0; a pair's does not: both come from the engine.
    const candidate = [parseNumber(next[0]), parseNumber(next[1])];
    const r = checkParam(nodeId, def, candidate);
    if (r.ok) {
      setError(null);
      onChange(r.value);
    } else setError(r.message);
  };
  const inputs = (
    <div className={`pair${error ? ' is-invalid' : ''}`}>
      {([0, 1] as const).map((i) => (
        <input
          key={i}
          className={`field-input mono${error ? ' is-invalid' : ''}`}
          inputMode="numeric"
          value={drafts[i]}
          placeholder={value === null ? 'auto' : value === undefined ? 'required' : ''}
          onChange={(e) => apply(i, e.target.value)}
          onKeyDown={(e) => stepNumber(e, def, drafts[i], (t) => apply(i, t))}
          aria-label={`${def.label} ${i === 0 ? 'height' : 'width'}`}
          aria-invalid={!!error}
          data-testid={`${testId}-${i}`}
        />
      )).reduce<React.ReactNode[]>(
        (acc, el, i) =>
          i === 0
            ? [el]
            : [
                ...acc,
                <button
                  key="x"
                  type="button"
                  className={`pair-x pair-link${linked ? ' is-linked' : ''}`}
                  onClick={() => setLinked((l) => !l)}
                  aria-pressed={linked}
                  title={linked ? `${def.label}: height and width linked (square); click to set them apart` : `${def.label}: height and width apart; click to link them (square)`}
                  data-testid={`${testId}-link`}
                >
                  {linked ? '⊠' : '×'}
                </button>,
                el,
              ],
        [],
      )}
    </div>
  );
  if (custom) return <>{inputs}{error && <div className="field-error" role="alert">{error}</div>}</>;
  return (
    <FieldFrame def={def} error={error} value={value}>
      {inputs}
    </FieldFrame>
  );
}

function PaddingInput(props: Props & { testId: string }) {
  const { def, value, onChange, testId } = props;
  const mode = value === 'valid' || value === 'same' ? value : 'custom';
  return (
    <FieldFrame def={def} error={null} value={value}>
      <div className="segmented" role="radiogroup" aria-label={def.label}>
        {(['valid', 'same', 'custom'] as const).map((m) => (
          <button
            key={m}
            role="radio"
            aria-checked={mode === m}
            className={mode === m ? 'is-on' : ''}
            data-testid={`${testId}-${m}`}
            onClick={() => {
              if (m === mode) return;
              onChange(m === 'custom' ? [0, 0] : m);
            }}
          >
            {m}
          </button>
        ))}
      </div>
      {mode === 'custom' && <PairInput {...props} custom />}
    </FieldFrame>
  );
}

function ShapeInput({ nodeId, def, value, onChange, testId }: Props & { testId: string }) {
  const { draft, setDraft, error, setError } = useDraft(value, (v) => (Array.isArray(v) ? v.join('×') : numberText(v)));
  return (
    <FieldFrame def={def} error={error} value={value}>
      <input
        className={`field-input mono${error ? ' is-invalid' : ''}`}
        value={draft}
        placeholder="C×H×W or features"
        onChange={(e) => {
          setDraft(e.target.value);
          const r = checkParam(nodeId, def, parseShapeText(e.target.value));
          if (r.ok) {
            setError(null);
            onChange(r.value);
          } else setError(r.message);
        }}
        aria-label={def.label}
        aria-invalid={!!error}
        data-testid={testId}
      />
    </FieldFrame>
  );
}

function FieldFrame({ def, error, value, children }: { def: ParamDef; error: string | null; value: unknown; children: React.ReactNode }) {
  const range = rangeText(def);
  const hasDefault = 'default' in def;
  const required = !hasDefault && value === undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}${required ? ' is-required' : ''}`}>
      <label className="field-label" title={def.help}>
        {def.label}
        <span className="field-kind">{def.kind}</span>
      </label>
      <div className="field-control">{children}</div>
      {error ? (
        <div className="field-error" role="alert" data-testid={`param-error-${def.name}`}>
          {error}
        </div>
      ) : (
        <div className="field-hint">
          {required ? <span className="field-required">required · </span> : null}
          {hasDefault ? <>default {valueText(def.default)}</> : null}
          {hasDefault && range ? ' · ' : null}
          {range ? <>range {range}</> : null}
          {def.help ? <span className="field-help"> — {def.help}</span> : null}
        </div>
      )}
    </div>
  );
}

export function ParamField(props: Props) {
  const { def, value, onChange } = props;
  const testId = `param-${def.name}`;
  switch (def.kind) {
    case 'int':
    case 'float':
      return <NumberInput {...props} testId={testId} />;
    case 'pair':
      return <PairInput {...props} testId={testId} />;
    case 'padding':
      return <PaddingInput {...props} testId={testId} />;
    case 'shape':
      return <ShapeInput {...props} testId={testId} />;
    case 'bool':
      return (
        <FieldFrame def={def} error={null} value={value}>
          <label className="switch">
            <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={testId} aria-label={def.label} />
            <span className="switch-track" />
            <span className="switch-text">{value ? 'on' : 'off'}</span>
          </label>
        </FieldFrame>
      );
    case 'enum':
      return (
        <FieldFrame def={def} error={null} value={value}>
          <select className="field-input" value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} data-testid={testId} aria-label={def.label}>
            {value === undefined && <option value="">choose…</option>}
            {def.options?.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </FieldFrame>
      );
  }
}
