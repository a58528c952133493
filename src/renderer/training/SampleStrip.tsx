/** A strip of data samples as small images (grey for one channel, RGB for three). */
import { useEffect, useRef } from 'react';
import type { DataPreview } from '../platform/training';

function draw(canvas: HTMLCanvasElement, x: Float32Array, shape: readonly number[]) {
  const [c, h, w] = shape;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(w, h);
  const plane = h * w;
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
  for (let i = 0; i < plane; i++) {
    const r = byte(x[i]);
    img.data[i * 4] = r;
    img.data[i * 4 + 1] = c >= 3 ? byte(x[plane + i]) : r;
    img.data[i * 4 + 2] = c >= 3 ? byte(x[2 * plane + i]) : r;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function Sample({ x, shape, label }: { x: Float32Array; shape: readonly number[]; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) draw(ref.current, x, shape);
  }, [x, shape]);
  return (
    <figure className="sample" title={label}>
      <canvas ref={ref} className="sample-image" />
      <figcaption className="sample-label">{label}</figcaption>
    </figure>
  );
}

export function SampleStrip({ preview }: { preview: DataPreview }) {
  const s = preview.inputShape;
  if (s.length !== 3 || (s[0] !== 1 && s[0] !== 3)) {
    return <p className="muted small">Samples are vectors of {s.join('×')} values (no images to show).</p>;
  }
  return (
    <div className="sample-strip" data-testid="training-samples">
      {preview.samples.map((p, i) => (
        <Sample key={i} x={p.x} shape={s} label={p.label} />
      ))}
    </div>
  );
}
