/** RGBA pixels on a canvas at their own resolution, shown at a given size with crisp pixels. */
import { useEffect, useRef } from 'react';

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
}

export function PixelCanvas({ width, height, rgba, cssWidth, cssHeight, label, testId, className, data }: PixelCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = width;
    canvas.height = height;
    ctx.putImageData(new ImageData(rgba, width, height), 0, 0);
  }, [rgba, width, height]);
  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return <canvas ref={ref} className={`tensor-image${className ? ` ${className}` : ''}`} style={{ width: cssWidth, height: cssHeight }} role="img" aria-label={label} data-testid={testId} {...attrs} />;
}
