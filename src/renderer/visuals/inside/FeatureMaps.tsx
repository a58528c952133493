/**
 * One layer's output for one sample: each channel of a C×H×W map as a small picture, all on
 * one scale (so channels compare), or a vector as labelled bars (class probabilities) or a
 * strip of cells.
 */
import { useMemo } from 'react';
import type { LayerOutput } from '../../platform/training';
import { planesOf, rangeOf } from '../../../engine/visuals/planes';
import { autoScale, formatValue, paint } from '../colormap';
import { ColorBar } from '../ColorBar';
import { PixelCanvas } from '../PixelCanvas';
import { TensorImage } from '../TensorImage';

export interface FeatureMapsProps {
  output: LayerOutput;
  /** Side of one channel's picture, CSS pixels. */
  tile: number;
  /** Channels drawn at most (the rest are counted). */
  maxChannels: number;
  /** Names for a vector's entries (the output layer's classes). */
  labels?: readonly string[] | null;
  /** Width for the colour bar and the strip. */
  width: number;
  testId?: string;
}

const STRIP = 32;

export function FeatureMaps({ output, tile, maxChannels, labels, width, testId }: FeatureMapsProps) {
  const scale = useMemo(() => autoScale(rangeOf(output.data)), [output]);
  if (output.shape.length === 3) {
    const planes = planesOf(output.shape, output.data);
    const shown = planes.slice(0, maxChannels);
    return (
      <div className="feature-maps" data-testid={testId} data-channels={planes.length}>
        <div className="feature-grid" style={{ gridTemplateColumns: `repeat(auto-fill, ${tile}px)` }}>
          {shown.map((p, c) => (
            <div key={c} className="feature-tile" title={`channel ${c}`}>
              <TensorImage plane={p} scale={scale} size={tile} label={`channel ${c}`} />
              <span className="feature-index mono">{c}</span>
            </div>
          ))}
        </div>
        {planes.length > shown.length && <p className="muted small">The first {shown.length} of {planes.length} channels.</p>}
        <ColorBar scale={scale} width={Math.min(width, 260)} />
      </div>
    );
  }
  const n = output.data.length;
  if (labels && labels.length === n && n <= 32) return <Bars values={output.data} labels={labels} width={width} testId={testId} />;
  return <Strip output={output} width={width} testId={testId} />;
}

function Bars({ values, labels, width, testId }: { values: Float32Array; labels: readonly string[]; width: number; testId?: string }) {
  const { min, max } = rangeOf(values);
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const span = hi - lo || 1;
  const best = values.indexOf(max);
  return (
    <div className="vector-bars" style={{ width }} data-testid={testId}>
      {labels.map((name, i) => (
        <div key={i} className={`vector-bar${i === best ? ' is-best' : ''}`}>
          <span className="vector-label" title={name}>
            {name}
          </span>
          <span className="vector-track">
            <span className="vector-fill" style={{ left: `${((Math.min(0, values[i]) - lo) / span) * 100}%`, width: `${(Math.abs(values[i]) / span) * 100}%` }} />
          </span>
          <span className="vector-value mono">{formatValue(values[i])}</span>
        </div>
      ))}
    </div>
  );
}

/** A long vector as rows of 32 cells; cells past the end are left empty. */
function Strip({ output, width, testId }: { output: LayerOutput; width: number; testId?: string }) {
  const n = output.data.length;
  const cols = Math.min(n, STRIP);
  const rows = Math.ceil(n / cols);
  const scale = useMemo(() => autoScale(rangeOf(output.data)), [output]);
  const rgba = useMemo(() => {
    const padded = new Float32Array(cols * rows);
    padded.set(output.data);
    const px = paint(padded, scale);
    for (let i = n; i < cols * rows; i++) px[4 * i + 3] = 0;
    return px;
  }, [output, scale, cols, rows, n]);
  const cell = Math.max(2, Math.floor(width / cols));
  return (
    <div className="feature-maps" data-testid={testId}>
      <PixelCanvas width={cols} height={rows} rgba={rgba} cssWidth={cols * cell} cssHeight={rows * cell} label={`${n} values`} describe={(x, y) => (y * cols + x < n ? `#${y * cols + x} ${formatValue(output.data[y * cols + x])}` : '—')} />
      <p className="muted small">
        {n} values{rows > 1 ? `, ${cols} a row` : ''}
      </p>
      <ColorBar scale={scale} width={Math.min(width, 260)} />
    </div>
  );
}
