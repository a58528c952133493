/**
 * RGBA pixels on a canvas at their own resolution, shown at a given size with crisp pixels.
 * Given the values the pixels stand for, hovering shows the value under the pointer (and its
 * row and column), so every picture can be read, not only looked at.
 */
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { formatValue } from './colormap';

export interface PixelCanvasProps {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** On-screen size in CSS pixels. */
  cssWidth: number;
  cssHeight: number;
  label: string;
  testId?: string;
  className?: string;
  data?: Record<string, string | number>;
  /** The value behind each pixel, row-major (`height × width`): shown on hover. */
  values?: ArrayLike<number>;
  /** Instead of `values`: what to say about pixel (x, y) (a colour picture's three channels). */
  describe?: (x: number, y: number) => string;
}

interface Readout {
  x: number;
  y: number;
  left: number;
  top: number;
}

/** The pixel under a pointer at (`ox`, `oy`) CSS pixels inside a `cssWidth × cssHeight` picture. */
export function pixelAt(ox: number, oy: number, o: { width: number; height: number; cssWidth: number; cssHeight: number }): { x: number; y: number } {
  const x = Math.min(o.width - 1, Math.max(0, Math.floor((ox / o.cssWidth) * o.width)));
  const y = Math.min(o.height - 1, Math.max(0, Math.floor((oy / o.cssHeight) * o.height)));
  return { x, y };
}

export function PixelCanvas({ width, height, rgba, cssWidth, cssHeight, label, testId, className, data, values, describe }: PixelCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<Readout | null>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = width;
    canvas.height = height;
    ctx.putImageData(new ImageData(rgba, width, height), 0, 0);
  }, [rgba, width, height]);
  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  const canvas = (
    <canvas ref={ref} className={`tensor-image${className ? ` ${className}` : ''}`} style={{ width: cssWidth, height: cssHeight }} role="img" aria-label={label} data-testid={testId} {...attrs} />
  );
  if (!describe && (!values || values.length !== width * height)) return canvas;
  const move = (e: MouseEvent<HTMLSpanElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const ox = e.clientX - box.left;
    const oy = e.clientY - box.top;
    setHover({ ...pixelAt(ox, oy, { width, height, cssWidth: box.width || cssWidth, cssHeight: box.height || cssHeight }), left: ox, top: oy });
  };
  const v = hover && values ? values[hover.y * width + hover.x] : 0;
  return (
    <span className="pixel-hover" onMouseMove={move} onMouseLeave={() => setHover(null)}>
      {canvas}
      {hover && (
        <span className="pixel-readout mono" data-testid="pixel-readout" data-value={v} style={{ left: hover.left + 12, top: hover.top + 12 }}>
          {height > 1 ? `row ${hover.y}, col ${hover.x}` : `#${hover.x}`}: {describe ? describe(hover.x, hover.y) : formatValue(v)}
        </span>
      )}
    </span>
  );
}
