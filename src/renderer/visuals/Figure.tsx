/** A titled picture of one plane with its size and colour scale, as one panel of a figure. */
import type { ReactNode } from 'react';
import type { Plane } from '../../engine/visuals/planes';
import { ColorBar } from './ColorBar';
import type { Scale } from './colormap';
import { TensorImage } from './TensorImage';

export interface FigureProps {
  title: string;
  plane: Plane;
  scale: Scale;
  size: number;
  /** Shown under the title (what the step did). */
  note?: ReactNode;
  testId?: string;
  /** Leave out the size (a grid of same-sized pictures says it once). */
  compact?: boolean;
}

export function Figure({ title, plane, scale, size, note, testId, compact }: FigureProps) {
  return (
    <figure className="vis-figure" data-testid={testId}>
      <figcaption>
        <span className="vis-figure-title">{title}</span>
        {!compact && (
          <span className="mono muted">
            {plane.width}×{plane.height}
          </span>
        )}
      </figcaption>
      <div className="vis-figure-frame" style={{ width: size, height: size }}>
        <TensorImage plane={plane} scale={scale} size={size} label={`${title}, ${plane.width}×${plane.height}`} testId={testId ? `${testId}-image` : undefined} />
      </div>
      <ColorBar scale={scale} width={size} testId={testId ? `${testId}-scale` : undefined} />
      {note && <div className="vis-figure-note muted small">{note}</div>}
    </figure>
  );
}
