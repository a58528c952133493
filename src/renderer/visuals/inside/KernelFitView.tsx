/**
 * The kernel-fitting experiment (seed 17.3.7) as it trains: the target (the picture filtered
 * with the horizontal-edge kernel), the network's prediction, their difference, and the
 * learned 3×3 kernel beside the true one, with its distance to it over the run.
 */
import { useEffect, useMemo } from 'react';
import { correlate3x3, HORIZONTAL_EDGE_KERNEL, kernelFitImage, KERNEL_FIT_OUT, KERNEL_FIT_SIZE } from '../../../engine/data/kernel-fit';
import { plane, rangeOf } from '../../../engine/visuals/planes';
import { useTraining } from '../../training/store';
import { formatValue, scaleFor } from '../colormap';
import { Figure } from '../Figure';
import { KernelSwatch } from '../KernelSwatch';
import { useVisuals } from '../store';
import { useSampleOutputs, useWeights } from './queries';
import { hasImageKernels, type RunInfo } from './runInfo';

/** The 3×3 single-filter conv the preset trains (the first one whose kernel is 1×1×3×3). */
export function kernelFitConv(info: RunInfo): string | null {
  const n = info.order.find((x) => hasImageKernels(x) && x.paramShapes.weight.join('×') === '1×1×3×3');
  return n?.id ?? null;
}

const TILE = 124;

export function KernelFitView({ conv }: { conv: string }) {
  const weights = useWeights(true);
  const outputs = useSampleOutputs(0);
  const step = useTraining((s) => s.live?.progress.globalStep ?? 0);
  const target = useMemo(() => plane(KERNEL_FIT_OUT, KERNEL_FIT_OUT, correlate3x3(kernelFitImage(), KERNEL_FIT_SIZE, HORIZONTAL_EDGE_KERNEL)), []);
  const scale = useMemo(() => scaleFor('diverging', rangeOf(target.data)), [target]);
  const kernel = weights.value?.[`${conv}.weight`] ?? null;
  const out = outputs.value?.[conv];
  const prediction = out && out.data.length === target.data.length ? plane(KERNEL_FIT_OUT, KERNEL_FIT_OUT, out.data) : null;
  const diff = useMemo(() => (prediction ? plane(KERNEL_FIT_OUT, KERNEL_FIT_OUT, prediction.data.map((v, i) => v - target.data[i])) : null), [prediction, target]);
  const mse = diff ? diff.data.reduce((a, v) => a + v * v, 0) / diff.data.length : null;
  const distance = kernel ? kernel.reduce((a, v, i) => Math.max(a, Math.abs(v - HORIZONTAL_EDGE_KERNEL[i])), 0) : null;

  // each answer's distance, at the step the run had reached when it came: the kernel converging
  const runId = useTraining((s) => s.live?.id ?? null);
  const history = useVisuals((s) => (s.fitHistory?.runId === runId ? s.fitHistory.points : null));
  useEffect(() => {
    if (distance === null || !runId) return;
    useVisuals.getState().noteFit(runId, useTraining.getState().live?.progress.globalStep ?? 0, distance);
  }, [distance, runId]);

  return (
    <section className="visuals-section kernel-fit" data-testid="kernel-fit" data-busy={weights.loading || outputs.loading}>
      <h3>Kernel fit (17.3.7)</h3>
      <p className="muted small">The network learns the 3×3 kernel that turns the picture into its horizontal edges.</p>
      <div className="kernel-fit-kernels">
        <div>
          <div className="small strong">Learned</div>
          {kernel ? <KernelSwatch values={Array.from(kernel)} rows={3} cols={3} cell={40} numbers /> : <span className="muted small">waiting…</span>}
        </div>
        <div>
          <div className="small strong">Target</div>
          <KernelSwatch values={Array.from(HORIZONTAL_EDGE_KERNEL)} rows={3} cols={3} cell={40} numbers />
        </div>
      </div>
      <div className="small" data-testid="kernel-fit-distance">
        largest difference <strong className="mono">{distance === null ? '—' : formatValue(distance)}</strong>
        {mse !== null && (
          <>
            {' '}
            · MSE <strong className="mono">{formatValue(mse)}</strong>
          </>
        )}
        <span className="muted"> · step {step.toLocaleString('en-US')}</span>
      </div>
      <Convergence history={history ?? []} />
      <div className="kernel-fit-images">
        <Figure title="Target" plane={target} scale={scale} size={TILE} testId="kernel-fit-target" />
        {prediction ? <Figure title="Prediction" plane={prediction} scale={scale} size={TILE} testId="kernel-fit-prediction" /> : <span className="muted small">prediction: waiting for the worker…</span>}
        {diff && <Figure title="Difference" plane={diff} scale={scale} size={TILE} note="prediction − target, same scale" testId="kernel-fit-diff" />}
      </div>
      {(weights.error || outputs.error) && <p className="bad small">{weights.error ?? outputs.error}</p>}
    </section>
  );
}

/** Largest kernel difference against the step, on a log scale (it falls by orders of magnitude). */
function Convergence({ history }: { history: { step: number; d: number }[] }) {
  const w = 280;
  const h = 64;
  if (history.length < 2) return null;
  const steps = history.map((p) => p.step);
  const logs = history.map((p) => Math.log10(Math.max(p.d, 1e-9)));
  const x0 = Math.min(...steps);
  const x1 = Math.max(...steps);
  const y0 = Math.min(...logs);
  const y1 = Math.max(...logs);
  const x = (s: number) => 4 + ((s - x0) / (x1 - x0 || 1)) * (w - 8);
  const y = (l: number) => 4 + ((y1 - l) / (y1 - y0 || 1)) * (h - 8);
  const path = history.map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(logs[i]).toFixed(1)}`).join(' ');
  return (
    <figure className="convergence">
      <figcaption className="muted small">
        largest difference over the run (log scale): <span className="mono">{formatValue(history[0].d)}</span> → <span className="mono">{formatValue(history[history.length - 1].d)}</span>
      </figcaption>
      <svg width={w} height={h} role="img" aria-label="largest kernel difference over the run, log scale" data-testid="kernel-fit-convergence" data-points={history.length}>
        <path d={path} fill="none" stroke="var(--accent)" strokeWidth={1.5} />
      </svg>
      <div className="convergence-steps muted mono">
        <span>step {x0}</span>
        <span>step {x1}</span>
      </div>
    </figure>
  );
}
