/** Which validation sample the feature maps show: its number, back/forward, its picture and classes. */
import type { LayerOutputs } from '../../platform/training';
import { argmax } from '../../../engine/visuals/confusion';
import { useVisuals } from '../store';
import { className, type RunInfo } from './runInfo';
import { SampleImage } from './SampleImage';

export function SamplePicker({ info, outputs }: { info: RunInfo; outputs: LayerOutputs | null }) {
  const sample = useVisuals((s) => s.sample);
  const evaluation = useVisuals((s) => (s.evaluation?.runId === info.runId ? s.evaluation.value : null));
  const count = info.valCount;
  const set = (n: number) => useVisuals.getState().setSample(count ? Math.min(count - 1, Math.max(0, n)) : n);
  const input = info.inputId ? outputs?.[info.inputId] : undefined;
  const out = info.outputId ? outputs?.[info.outputId] : undefined;
  const truth = evaluation?.samples?.truth[sample];
  const guess = info.classifier && out ? argmax(out.data) : null;
  return (
    <div className="sample-picker" data-testid="sample-picker">
      <div className="sample-picker-image">{input ? <SampleImage shape={input.shape} data={input.data} size={56} label={`validation sample ${sample}`} testId="sample-picker-image" /> : <span className="prediction-wait" />}</div>
      <div className="sample-picker-text">
        <div className="sample-picker-nav">
          <button className="icon-button" onClick={() => set(sample - 1)} disabled={sample === 0} aria-label="Previous sample" data-testid="sample-prev">
            ‹
          </button>
          <label className="small">
            Sample{' '}
            <input
              className="field-input sample-number mono"
              type="number"
              min={0}
              max={count ? count - 1 : undefined}
              value={sample}
              onChange={(e) => set(Number(e.target.value))}
              data-testid="sample-number"
            />
          </label>
          <button className="icon-button" onClick={() => set(sample + 1)} disabled={count !== null && sample >= count - 1} aria-label="Next sample" data-testid="sample-next">
            ›
          </button>
          {count !== null && <span className="muted small">of {count.toLocaleString('en-US')}</span>}
        </div>
        {guess !== null && out && (
          <div className="small" data-testid="sample-guess">
            predicted <strong className={truth !== undefined && truth !== guess ? 'bad' : undefined}>{className(info, guess)}</strong> <span className="muted">({(out.data[guess] * 100).toFixed(1)} %)</span>
            {truth !== undefined && <span className="muted"> · true {className(info, truth)}</span>}
          </div>
        )}
      </div>
    </div>
  );
}
