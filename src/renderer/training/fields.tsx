/** Small form controls of the training panel: a checked number field, a select, a switch. */
import { useEffect, useState, type ReactNode } from 'react';

interface NumberFieldProps {
  label: string;
  value: number;
  onChange(v: number): void;
  min: number;
  max: number;
  integer?: boolean;
  /** Whether `min` itself is allowed (learning rate: no). */
  minInclusive?: boolean;
  /** Whether `max` itself is allowed (validation split: no). */
  maxInclusive?: boolean;
  hint?: string;
  testId: string;
  disabled?: boolean;
}

/** Parse and check a number; the message names the field and what it got. */
export function checkNumber(label: string, text: string, o: Pick<NumberFieldProps, 'min' | 'max' | 'integer' | 'minInclusive' | 'maxInclusive'>): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  const n = t === '' ? NaN : Number(t);
  if (!Number.isFinite(n)) return { ok: false, message: `${label} must be a number, got “${text}”` };
  if (o.integer && !Number.isInteger(n)) return { ok: false, message: `${label} must be a whole number, got ${t}` };
  const lowOk = o.minInclusive === false ? n > o.min : n >= o.min;
  const highOk = o.maxInclusive === false ? n < o.max : n <= o.max;
  if (!lowOk || !highOk) {
    const lo = o.minInclusive === false ? `> ${o.min}` : `≥ ${o.min}`;
    const hi = o.maxInclusive === false ? `< ${o.max}` : `≤ ${o.max}`;
    return { ok: false, message: `${label} must be ${lo} and ${hi}, got ${t}` };
  }
  return { ok: true, value: n };
}

export function NumberField(p: NumberFieldProps) {
  const [draft, setDraft] = useState(String(p.value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(String(p.value));
    setError(null);
  }, [p.value]);
  return (
    <label className="tfield">
      <span className="tfield-label">{p.label}</span>
      <input
        className={`field-input mono${error ? ' is-invalid' : ''}`}
        inputMode="decimal"
        value={draft}
        disabled={p.disabled}
        aria-invalid={!!error}
        aria-label={p.label}
        data-testid={p.testId}
        onChange={(e) => {
          setDraft(e.target.value);
          const r = checkNumber(p.label, e.target.value, p);
          if (r.ok) {
            setError(null);
            if (r.value !== p.value) p.onChange(r.value);
          } else setError(r.message);
        }}
        onBlur={() => {
          if (error) {
            setDraft(String(p.value));
            setError(null);
          }
        }}
      />
      {error ? <span className="field-error">{error}</span> : p.hint ? <span className="field-hint">{p.hint}</span> : null}
    </label>
  );
}

export function SelectField<T extends string>(p: { label: string; value: T; options: readonly { value: T; label: string }[]; onChange(v: T): void; testId: string; disabled?: boolean }) {
  return (
    <label className="tfield">
      <span className="tfield-label">{p.label}</span>
      <select className="field-input" value={p.value} disabled={p.disabled} aria-label={p.label} data-testid={p.testId} onChange={(e) => p.onChange(e.target.value as T)}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function SwitchField(p: { label: string; checked: boolean; onChange(v: boolean): void; testId: string; disabled?: boolean }) {
  return (
    <label className="switch tfield-switch">
      <input type="checkbox" checked={p.checked} disabled={p.disabled} onChange={(e) => p.onChange(e.target.checked)} data-testid={p.testId} />
      <span className="switch-track" />
      <span className="switch-text">{p.label}</span>
    </label>
  );
}

export function Section({ title, children, aside, testId }: { title: string; children: ReactNode; aside?: ReactNode; testId?: string }) {
  return (
    <section className="inspector-section tsection" data-testid={testId}>
      <h3 className="tsection-title">
        <span>{title}</span>
        {aside}
      </h3>
      {children}
    </section>
  );
}
