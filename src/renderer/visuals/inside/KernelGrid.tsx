/**
 * A conv layer's kernels as pictures (seed fig. 18-34's first row): one row per output channel,
 * one column per input channel, all on one diverging scale centred on 0. A first layer with a
 * single input channel wraps its kernels into a block instead.
 */
import { useMemo } from 'react';
import { kernelsOf, rangeOf } from '../../../engine/visuals/planes';
import { scaleFor } from '../colormap';
import { ColorBar } from '../ColorBar';
import { TensorImage } from '../TensorImage';

export interface KernelGridProps {
  weight: Float32Array;
  /** [F, C, KH, KW]. */
  shape: readonly number[];
  cell: number;
  maxOut: number;
  maxIn: number;
  width: number;
  testId?: string;
}

export function KernelGrid({ weight, shape, cell, maxOut, maxIn, width, testId }: KernelGridProps) {
  const kernels = useMemo(() => kernelsOf(shape, weight), [shape, weight]);
  const scale = useMemo(() => scaleFor('diverging', rangeOf(weight)), [weight]);
  const [f, c, kh, kw] = shape;
  const outs = kernels.slice(0, maxOut);
  const label = (o: number, i: number) => `kernel: output ${o}, input ${i}`;
  return (
    <div className="kernel-grid" data-testid={testId} data-filters={f} data-inputs={c}>
      {c === 1 ? (
        <div className="kernel-block" style={{ gridTemplateColumns: `repeat(auto-fill, ${cell}px)` }}>
          {outs.map((row, o) => (
            <div key={o} className="feature-tile" title={label(o, 0)}>
              <TensorImage plane={row[0]} scale={scale} size={cell} label={label(o, 0)} />
              <span className="feature-index mono">{o}</span>
            </div>
          ))}
        </div>
      ) : (
        <div className="kernel-table" style={{ gridTemplateColumns: `max-content repeat(${Math.min(c, maxIn)}, ${cell}px)` }}>
          <span className="kernel-corner muted small">out╲in</span>
          {Array.from({ length: Math.min(c, maxIn) }, (_, i) => (
            <span key={`h${i}`} className="kernel-head mono muted">
              {i}
            </span>
          ))}
          {outs.map((row, o) => (
            <KernelRow key={o} o={o} row={row.slice(0, maxIn)} scale={scale} cell={cell} label={label} />
          ))}
        </div>
      )}
      <p className="muted small">
        {f} kernels of {c}×{kh}×{kw}
        {f > outs.length || c > maxIn ? ` — showing ${outs.length} output × ${Math.min(c, maxIn)} input channels` : ''}
      </p>
      <ColorBar scale={scale} width={Math.min(width, 260)} testId={testId ? `${testId}-scale` : undefined} />
    </div>
  );
}

function KernelRow({ o, row, scale, cell, label }: { o: number; row: ReturnType<typeof kernelsOf>[number]; scale: ReturnType<typeof scaleFor>; cell: number; label: (o: number, i: number) => string }) {
  return (
    <>
      <span className="kernel-head mono muted">{o}</span>
      {row.map((p, i) => (
        <TensorImage key={i} plane={p} scale={scale} size={cell} label={label(o, i)} />
      ))}
    </>
  );
}
