/**
 * Validation pictures with the network's prediction under each (seed fig. 18-38): right ones
 * plain, mistakes framed in red with the true class beside the guess.
 */
import { className, type RunInfo } from './runInfo';
import { cachedInput, useSampleInputs } from './sampleCache';
import { SampleImage } from './SampleImage';

export interface PredictionGridProps {
  info: RunInfo;
  truth: Int32Array;
  predicted: Int32Array;
  /** Validation sample numbers to show, in order. */
  indices: readonly number[];
  tile: number;
}

export function PredictionGrid({ info, truth, predicted, indices, tile }: PredictionGridProps) {
  const { missing, error } = useSampleInputs(info.runId, info.inputId, indices);
  return (
    <div className="prediction-wrap">
      <div className="prediction-grid" style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${tile + 28}px, 1fr))` }} data-testid="prediction-grid">
        {indices.map((i) => {
          const input = cachedInput(info.runId, i);
          const wrong = truth[i] !== predicted[i];
          const guess = className(info, predicted[i]);
          const real = className(info, truth[i]);
          return (
            <figure key={i} className={`prediction${wrong ? ' is-wrong' : ''}`} data-testid="prediction" data-sample={i} data-truth={truth[i]} data-predicted={predicted[i]} title={`validation sample ${i}: predicted ${guess}, true ${real}`}>
              <div className="prediction-image" style={{ width: tile, height: tile }}>
                {input ? <SampleImage shape={input.shape} data={input.data} size={tile} label={`sample ${i}`} /> : <span className="prediction-wait" />}
                {wrong && (
                  <span className="prediction-mark" aria-label="mistake">
                    ✗
                  </span>
                )}
              </div>
              <figcaption>
                <span className={`prediction-guess${wrong ? ' bad' : ''}`}>{guess}</span>
                {wrong ? <span className="prediction-truth muted">true: {real}</span> : <span className="prediction-truth ok">✓ right</span>}
              </figcaption>
            </figure>
          );
        })}
      </div>
      {missing > 0 && !error && <p className="muted small">Fetching {missing} pictures from the worker…</p>}
      {error && (
        <p className="bad small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
