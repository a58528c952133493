/**
 * Why the network answered what it did for one validation sample: Grad-CAM on the last
 * convolution and the input gradient, each laid over the picture. Computed by the engine in a
 * worker that holds the run's current weights (a forward-only preview copy of the run, so the live
 * one is not disturbed), on the run's backend.
 */
import { useEffect, useMemo, useState } from 'react';
import { PreviewRun } from '../../canvas/preview/runner';
import type { SaliencyAnswer } from '../../platform/training';
import { isActive, requests, useTraining } from '../../training/store';
import { PixelCanvas } from '../PixelCanvas';
import { useVisuals } from '../store';
import { blendHeat, greyOf, resizeBilinear } from './overlay';
import { useSampleOutputs } from './queries';
import { className, type RunInfo } from './runInfo';
import { SamplePicker } from './SamplePicker';

const explainer = new PreviewRun('saliency');
const SIZE = 168;

function useSaliency(info: RunInfo, sample: number): { value: SaliencyAnswer | null; error: string | null } {
  const live = useTraining((s) => s.live);
  // while the run trains, the explanation keeps the weights it was asked with (a new copy of the
  // run per weight change would cost more than the training); once it stops, the final weights
  const version = useTraining((s) => (isActive(s.live?.status) ? 'training' : s.weightsVersion));
  const [answer, setAnswer] = useState<{ value: SaliencyAnswer | null; error: string | null }>({ value: null, error: null });
  useEffect(() => {
    if (!live || live.id !== info.runId) return;
    let gone = false;
    void (async () => {
      try {
        const weights = await requests.getWeights();
        const h = await explainer.handle({ graph: live.graph, data: live.data, hyper: live.hyper, weights, weightsKey: `${live.id}|${version}` });
        const value = await h.saliency(sample);
        if (!gone) setAnswer({ value, error: null });
      } catch (e) {
        if (!gone) setAnswer((a) => ({ value: a.value, error: e instanceof Error ? e.message : String(e) }));
      }
    })();
    return () => {
      gone = true;
    };
  }, [live, info.runId, sample, version]);
  useEffect(() => () => explainer.close(), []);
  return answer;
}

function Overlay({ s, which, testId }: { s: SaliencyAnswer; which: 'gradCam' | 'saliency'; testId: string }) {
  const [, H, W] = s.input.shape.length === 3 ? s.input.shape : [1, 1, s.input.shape[0]];
  const map = s[which];
  const heat = useMemo(() => resizeBilinear(map.data, map.shape[0], map.shape[1], H, W), [map, H, W]);
  const rgba = useMemo(() => blendHeat(greyOf(s.input.data, s.input.shape), heat), [s, heat]);
  const k = SIZE / Math.max(H, W);
  return (
    <PixelCanvas
      width={W}
      height={H}
      rgba={rgba}
      cssWidth={Math.round(W * k)}
      cssHeight={Math.round(H * k)}
      label={which === 'gradCam' ? `Grad-CAM of ${s.layer}` : 'input-gradient saliency'}
      testId={testId}
      values={heat}
      data={{ h: map.shape[0], w: map.shape[1] }}
    />
  );
}

export function SaliencyTab({ info }: { info: RunInfo }) {
  const sample = useVisuals((s) => s.sample);
  const outputs = useSampleOutputs(sample);
  const { value: s, error } = useSaliency(info, sample);
  if (!info.classifier) return <p className="muted">Saliency explains a classifier’s answer: this network has no Softmax output.</p>;
  return (
    <div className="saliency-view" data-testid="saliency-view">
      <SamplePicker info={info} outputs={outputs.value} />
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      {!s && !error && <p className="muted">Asking the worker for the gradients…</p>}
      {s && (
        <>
          <p className="small" data-testid="saliency-class" data-class={s.classIndex}>
            Explaining <strong>{className(info, s.classIndex)}</strong>
            {s.label !== null && <span className="muted"> · true {className(info, s.label)}</span>}
          </p>
          <div className="saliency-row">
            <figure className="saliency-figure">
              <Overlay s={s} which="gradCam" testId="saliency-gradcam" />
              <figcaption className="small">
                Grad-CAM on <span className="mono">{s.layer}</span> ({s.gradCam.shape.join('×')}, resized)
              </figcaption>
            </figure>
            <figure className="saliency-figure">
              <Overlay s={s} which="saliency" testId="saliency-input" />
              <figcaption className="small">Input gradient |∂score/∂pixel|</figcaption>
            </figure>
          </div>
          <p className="muted small">Warm where the class score depends most on the picture; hover for the values.</p>
        </>
      )}
    </div>
  );
}
