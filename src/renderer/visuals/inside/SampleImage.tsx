/**
 * A network input drawn as the picture it is: one channel in grey, three as colour, each
 * stretched over its own range (inputs arrive normalised, so 0 and 1 mean nothing fixed). A
 * flat input of n² values is drawn n×n.
 */
import { useMemo } from 'react';
import { rangeOf } from '../../../engine/visuals/planes';
import { formatValue, paint, paintRgb } from '../colormap';
import { PixelCanvas } from '../PixelCanvas';

export interface SampleImageProps {
  shape: readonly number[];
  data: Float32Array;
  size: number;
  label: string;
  testId?: string;
}

function layout(shape: readonly number[]): { c: number; h: number; w: number } | null {
  if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) return { c: shape[0], h: shape[1], w: shape[2] };
  const n = shape.reduce((a, b) => a * b, 1);
  const side = Math.round(Math.sqrt(n));
  if (shape.length === 1 && side * side === n) return { c: 1, h: side, w: side };
  return null;
}

export function SampleImage({ shape, data, size, label, testId }: SampleImageProps) {
  const key = shape.join('×');
  const l = useMemo(() => layout(key.split('×').map(Number)), [key]);
  const rgba = useMemo(() => {
    if (!l) return null;
    const { min, max } = rangeOf(data);
    const plane = l.h * l.w;
    if (l.c === 3) return paintRgb(data.subarray(0, plane), data.subarray(plane, 2 * plane), data.subarray(2 * plane), min, max);
    return paint(data, { map: 'grey', lo: min, hi: max });
  }, [data, l]);
  if (!l || !rgba) return <span className="muted small">{shape.join('×')} input: not a picture</span>;
  const k = size / Math.max(l.w, l.h);
  const plane = l.h * l.w;
  const describe = (x: number, y: number) =>
    Array.from({ length: l.c }, (_, c) => formatValue(data[c * plane + y * l.w + x])).join(' / ');
  return <PixelCanvas width={l.w} height={l.h} rgba={rgba} cssWidth={Math.round(l.w * k)} cssHeight={Math.round(l.h * k)} label={label} testId={testId} describe={describe} />;
}
