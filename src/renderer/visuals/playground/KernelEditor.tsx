/**
 * The kernel's nine values as fields, each tinted by its value. Typing anything turns the
 * kernel into a custom one; a field that is not a number is marked and named, and the last
 * good kernel keeps being applied meanwhile.
 */
import { colorOf, scaleFor } from '../colormap';
import { rangeOf } from '../../../engine/visuals/planes';

export interface KernelEditorProps {
  texts: readonly string[];
  onChange(index: number, text: string): void;
}

export function parseCell(text: string): number | null {
  const t = text.trim().replace('−', '-');
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

export function KernelEditor({ texts, onChange }: KernelEditorProps) {
  const values = texts.map(parseCell);
  const scale = scaleFor('diverging', rangeOf(values.map((v) => v ?? 0)));
  const bad = values.findIndex((v) => v === null);
  return (
    <div className="kernel-editor">
      <div className="kernel-editor-grid" role="group" aria-label="Kernel values, row by row">
        {texts.map((text, i) => {
          const v = values[i];
          const [r, g, b] = colorOf(scale, v ?? 0);
          const light = 0.299 * r + 0.587 * g + 0.114 * b > 150;
          return (
            <input
              key={i}
              className={`kernel-cell mono${v === null ? ' is-invalid' : ''}`}
              style={v === null ? undefined : { background: `rgb(${r} ${g} ${b})`, color: light ? '#111' : '#fff' }}
              value={text}
              inputMode="decimal"
              aria-label={`row ${Math.floor(i / 3) + 1}, column ${(i % 3) + 1}`}
              data-testid={`kernel-cell-${i}`}
              onChange={(e) => onChange(i, e.target.value)}
            />
          );
        })}
      </div>
      {bad >= 0 && (
        <div className="field-error" role="alert" data-testid="kernel-error">
          Row {Math.floor(bad / 3) + 1}, column {(bad % 3) + 1}: “{texts[bad]}” is not a number. The last valid kernel is still applied.
        </div>
      )}
    </div>
  );
}
