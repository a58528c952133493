/**
 * One plane of values drawn on a canvas at its own resolution (one canvas pixel per value,
 * exact colours from the scale), shown larger with crisp pixels. The canvas carries its
 * scale in data attributes, so tests can read back both the pixels and what they mean.
 */
import { useEffect, useRef } from 'react';
import type { Plane } from '../../engine/visuals/planes';
import { paint, type Scale } from './colormap';

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
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = plane.width;
    canvas.height = plane.height;
    ctx.putImageData(new ImageData(paint(plane.data, scale), plane.width, plane.height), 0, 0);
  }, [plane, scale]);
  const k = size / Math.max(plane.width, plane.height);
  return (
    <canvas
      ref={ref}
      className={`tensor-image${className ? ` ${className}` : ''}`}
      style={{ width: Math.max(1, Math.round(plane.width * k)), height: Math.max(1, Math.round(plane.height * k)) }}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-map={scale.map}
      data-lo={scale.lo}
      data-hi={scale.hi}
    />
  );
}
