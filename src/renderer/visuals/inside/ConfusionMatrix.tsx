/**
 * The confusion matrix: rows are true classes, columns predictions. Each cell is coloured by
 * the share of its row (so a rare class's mistakes show as clearly as a common one's) and
 * shows either the count or that share. Clicking a cell picks its samples.
 */
import { normaliseRows } from '../../../engine/visuals/confusion';
import { colorOf } from '../colormap';
import { ColorBar } from '../ColorBar';

export type CellPick = { truth: number; predicted: number } | null;

export interface ConfusionMatrixProps {
  counts: number[][];
  classes: string[];
  mode: 'counts' | 'normalised';
  picked: CellPick;
  onPick(cell: CellPick): void;
}

const SHARE = { map: 'blues' as const, lo: 0, hi: 1 };

function percent(v: number): string {
  if (v === 0) return '0';
  const p = v * 100;
  // whole percents, a tenth below 10 % where it matters (5 %, not 5.0 %)
  return p >= 10 ? p.toFixed(0) : String(Number(p.toFixed(1)));
}

export function ConfusionMatrix({ counts, classes, mode, picked, onPick }: ConfusionMatrixProps) {
  const shares = normaliseRows(counts);
  const n = counts.length;
  const cell = n <= 6 ? 50 : n <= 10 ? 42 : Math.max(22, Math.floor(440 / n));
  return (
    <div className="confusion" data-testid="confusion">
      <div className="confusion-axis-top muted small">Predicted class →</div>
      <div className="confusion-body">
        <div className="confusion-axis-left muted small">True class →</div>
        <div className="confusion-grid" style={{ gridTemplateColumns: `max-content repeat(${n}, ${cell}px) max-content` }} role="table" aria-label="Confusion matrix">
          <span />
          {classes.map((c, j) => (
            <span key={`h${j}`} className="confusion-col-label" title={c} role="columnheader">
              {c}
            </span>
          ))}
          <span className="confusion-col-label muted" role="columnheader">
            total
          </span>
          {counts.map((row, t) => (
            <Row key={t} t={t} row={row} shares={shares[t]} classes={classes} cell={cell} mode={mode} picked={picked} onPick={onPick} />
          ))}
        </div>
      </div>
      <div className="confusion-legend">
        <ColorBar scale={SHARE} width={Math.min(240, n * cell)} testId="confusion-scale" />
        <span className="muted small">colour: the share of each true class (row) given each prediction (column)</span>
      </div>
    </div>
  );
}

function Row({ t, row, shares, classes, cell, mode, picked, onPick }: { t: number; row: number[]; shares: number[]; classes: string[]; cell: number; mode: ConfusionMatrixProps['mode']; picked: CellPick; onPick: ConfusionMatrixProps['onPick'] }) {
  const total = row.reduce((a, b) => a + b, 0);
  const name = classes[t];
  return (
    <>
      <span className="confusion-row-label" title={name} role="rowheader">
        {name}
      </span>
      {row.map((v, p) => {
        const [r, g, b] = colorOf(SHARE, shares[p]);
        const dark = 0.299 * r + 0.587 * g + 0.114 * b < 140;
        const text = v === 0 ? '#8a9bb0' : dark ? '#fff' : '#10243e';
        const on = picked?.truth === t && picked.predicted === p;
        return (
          <button
            key={p}
            className={`confusion-cell mono${t === p ? ' is-diagonal' : ''}${on ? ' is-picked' : ''}${v === 0 ? ' is-zero' : ''}`}
            style={{ background: `rgb(${r} ${g} ${b})`, color: text, height: cell }}
            onClick={() => onPick(on ? null : { truth: t, predicted: p })}
            title={`true ${name}, predicted ${classes[p]}: ${v} of ${total} (${percent(shares[p])} %)`}
            data-testid={`confusion-cell-${t}-${p}`}
            data-count={v}
            data-share={shares[p]}
            aria-pressed={on}
            role="cell"
          >
            {mode === 'counts' ? v : percent(shares[p])}
          </button>
        );
      })}
      <span className="confusion-total mono muted">{total}</span>
    </>
  );
}
