/** A small kernel drawn as coloured cells (diverging scale about 0), optionally with its numbers. */
import { colorOf, scaleFor } from './colormap';
import { rangeOf } from '../../engine/visuals/planes';

export function KernelSwatch({ values, rows, cols, cell, numbers = false }: { values: readonly number[]; rows: number; cols: number; cell: number; numbers?: boolean }) {
  const scale = scaleFor('diverging', rangeOf(values));
  return (
    <span className="kernel-swatch" style={{ gridTemplateColumns: `repeat(${cols}, ${cell}px)`, gridAutoRows: `${cell}px` }} aria-hidden data-hover="title">
      {Array.from({ length: rows * cols }, (_, i) => {
        const [r, g, b] = colorOf(scale, values[i]);
        // dark text on light cells, light text on dark ones
        const light = 0.299 * r + 0.587 * g + 0.114 * b > 150;
        return (
          <span key={i} style={{ background: `rgb(${r} ${g} ${b})`, color: light ? '#111' : '#fff' }} title={`row ${Math.floor(i / cols)}, col ${i % cols}: ${formatCell(values[i])}`}>
            {numbers ? formatCell(values[i]) : null}
          </span>
        );
      })}
    </span>
  );
}

/** Whole numbers as they are, others to two decimals: five characters at most fit a cell. */
function formatCell(v: number): string {
  const s = Number.isInteger(v) ? String(v) : Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2);
  return s.replace('-', '−');
}
