/**
 * A node's output for the previewed sample, drawn small inside the node: feature-map
 * thumbnails (the first channels, one scale) for C×H×W outputs, a strip for vectors, and the
 * class probabilities at an output layer. Nothing is drawn when the node's shape has moved on
 * since the preview was made (the next one is on its way).
 */
import { memo, useMemo } from 'react';
import type { LayerOutput } from '../../platform/training';
import { planesOf, rangeOf } from '../../../engine/visuals/planes';
import { autoScale, formatValue, paint } from '../../visuals/colormap';
import { PixelCanvas } from '../../visuals/PixelCanvas';
import { TensorImage } from '../../visuals/TensorImage';
import { usePreview } from './store';

const TILE = 34;
const MAX_TILES = 4;
const STRIP_WIDTH = 160;

/** A short fingerprint of the values, so a test can tell two previews apart. */
function fingerprint(data: Float32Array): string {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] * ((i % 7) + 1);
  return s.toPrecision(6);
}

function sameShape(a: readonly number[], b: readonly number[] | null): boolean {
  return b !== null && a.length === b.length && a.every((v, i) => v === b[i]);
}

function Maps({ output }: { output: LayerOutput }) {
  const scale = useMemo(() => autoScale(rangeOf(output.data)), [output]);
  const planes = useMemo(() => planesOf(output.shape, output.data).slice(0, MAX_TILES), [output]);
  return (
    <div className="node-preview-maps">
      {planes.map((p, c) => (
        <TensorImage key={c} plane={p} scale={scale} size={TILE} label={`channel ${c}`} className="node-preview-tile" />
      ))}
      {output.shape[0] > MAX_TILES && <span className="node-preview-more muted">+{output.shape[0] - MAX_TILES}</span>}
    </div>
  );
}

function Strip({ output }: { output: LayerOutput }) {
  const n = output.data.length;
  const scale = useMemo(() => autoScale(rangeOf(output.data)), [output]);
  const rgba = useMemo(() => paint(output.data, scale), [output, scale]);
  return <PixelCanvas width={n} height={1} rgba={rgba} cssWidth={STRIP_WIDTH} cssHeight={10} label={`${n} values`} className="node-preview-strip" values={output.data} />;
}

function Probabilities({ output, labels }: { output: LayerOutput; labels: readonly string[] | null }) {
  const best = output.data.indexOf(rangeOf(output.data).max);
  return (
    <div className="node-preview-probs" title={labels ? `most likely: ${labels[best] ?? best}` : undefined}>
      {Array.from(output.data, (p, i) => (
        <span key={i} className={`node-preview-prob${i === best ? ' is-best' : ''}`} title={`${labels?.[i] ?? `class ${i}`}: ${formatValue(p)}`} data-testid="node-preview-prob" data-value={p}>
          <span style={{ height: `${Math.max(0, Math.min(1, p)) * 100}%` }} />
        </span>
      ))}
    </div>
  );
}

function NodePreviewInner({ id, shape, isOutput, labels }: { id: string; shape: readonly number[] | null; isOutput: boolean; labels: readonly string[] | null }) {
  const output = usePreview((s) => (s.enabled ? (s.outputs?.[id] ?? null) : null));
  const source = usePreview((s) => s.source);
  if (!output || !sameShape(output.shape, shape)) return null;
  const kind = output.shape.length === 3 ? 'maps' : isOutput && output.data.length <= 32 ? 'probabilities' : 'strip';
  return (
    <div className="node-preview nodrag" data-testid="node-preview" data-kind={kind} data-source={source ?? ''} data-fingerprint={fingerprint(output.data)}>
      {kind === 'maps' ? <Maps output={output} /> : kind === 'probabilities' ? <Probabilities output={output} labels={labels} /> : <Strip output={output} />}
    </div>
  );
}

export const NodePreview = memo(NodePreviewInner);
