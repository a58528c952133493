/**
 * One plane of values drawn on a canvas at its own resolution (one canvas pixel per value,
 * exact colours from the scale), shown larger with crisp pixels. The canvas carries its
 * scale in data attributes, so tests can read back both the pixels and what they mean.
 */
import { useMemo } from 'react';
import type { Plane } from '../../engine/visuals/planes';
import { paint, type Scale } from './colormap';
import { PixelCanvas } from './PixelCanvas';

export interface TensorImageProps {
  plane: Plane;
  scale: Scale;
  /** The longest side on screen, in CSS pixels. */
  size: number;
  label: string;
  testId?: string;
  className?: string;
}

export function TensorImage({ plane, scale, size, label, testId, className }: TensorImageProps) {
  const rgba = useMemo(() => paint(plane.data, scale), [plane, scale]);
  const k = size / Math.max(plane.width, plane.height);
  return (
    <PixelCanvas
      width={plane.width}
      height={plane.height}
      rgba={rgba}
      cssWidth={Math.max(1, Math.round(plane.width * k))}
      cssHeight={Math.max(1, Math.round(plane.height * k))}
      label={label}
      testId={testId}
      className={className}
      data={{ map: scale.map, lo: scale.lo, hi: scale.hi }}
      values={plane.data}
    />
  );
}
