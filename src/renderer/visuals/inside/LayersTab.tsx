/**
 * One sample through the whole network, layer by layer (seed figs. 17-7 and 18-34): each
 * layer's output maps, and a conv layer's kernels beside them. A layer's name selects it on
 * the canvas.
 */
import { useEditor } from '../../store/editor';
import { useVisuals } from '../store';
import { FeatureMaps } from './FeatureMaps';
import { KernelGrid } from './KernelGrid';
import { useSampleOutputs, useWeights } from './queries';
import { hasImageKernels, outputLabels, type RunInfo } from './runInfo';
import { SampleImage } from './SampleImage';
import { SamplePicker } from './SamplePicker';

export function LayersTab({ info }: { info: RunInfo }) {
  const sample = useVisuals((s) => s.sample);
  const outputs = useSampleOutputs(sample);
  const weights = useWeights(true);
  const outs = outputs.value;
  return (
    <div className="layers-view" data-testid="layers-view">
      <SamplePicker info={info} outputs={outs} />
      {outputs.error && (
        <p className="bad" role="alert">
          {outputs.error}
        </p>
      )}
      {!outs && !outputs.error && <p className="muted">Asking the worker for every layer’s output…</p>}
      {outs &&
        info.order.map((n) => {
          const out = outs[n.id];
          if (!out) return null;
          const w = hasImageKernels(n) ? weights.value?.[`${n.id}.weight`] : undefined;
          const wShape = n.paramShapes.weight;
          return (
            <section key={n.id} className="layer-row" data-testid={`layer-${n.id}`}>
              <header className="layer-row-head">
                <button className="link layer-row-name" onClick={() => useEditor.getState().selectOnly(n.id)} title="Select on the canvas">
                  {n.id}
                </button>
                <span className="muted small">{n.spec?.label ?? n.type}</span>
                <span className="mono small">{out.shape.join('×')}</span>
              </header>
              <div className="layer-row-body">
                {w && wShape && (
                  <div className="layer-row-kernels">
                    <h4>Kernels</h4>
                    <KernelGrid weight={w} shape={wShape} cell={wShape[1] === 1 ? 40 : 26} maxOut={16} maxIn={8} width={240} />
                  </div>
                )}
                {n.type === 'Input' ? (
                  <div className="layer-row-maps">
                    <h4>The sample</h4>
                    <SampleImage shape={out.shape} data={out.data} size={112} label={`validation sample ${sample}`} testId={`maps-${n.id}`} />
                    <p className="muted small">as the network sees it (normalised), drawn over its own range</p>
                  </div>
                ) : (
                  <div className="layer-row-maps">
                    <h4>Output</h4>
                    <FeatureMaps output={out} tile={64} maxChannels={32} labels={outputLabels(info, n.id, out.data.length)} width={420} testId={`maps-${n.id}`} />
                  </div>
                )}
              </div>
            </section>
          );
        })}
    </div>
  );
}
