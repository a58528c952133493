/**
 * Weights: export the trained ones (save dialog / download), keep them in the project (saved
 * with it), import a weights file into the graph on the canvas, and choose whether the next
 * run starts from the project's weights or from the seed's initialisation.
 */
import { useMemo, useState } from 'react';
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import { inferShapes } from '../../engine/shapes/inferShapes';
import { ExportModel } from '../export/ExportModel';
import { platform } from '../platform';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';
import { Section, SwitchField } from './fields';
import { requests, useTraining, isActive } from './store';
import { embeddedWeights, readWeightsFor, runMetrics, weightsExportFor, weightsFileFor } from './weights-io';
import { useTrainingUi } from './ui';

const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'convas';

export function WeightsSection({ report, locked }: { report: ShapeReport; locked: boolean }) {
  const live = useTraining((s) => s.live);
  const embedded = useEditor((s) => s.meta.weights);
  const project = useEditor((s) => s.meta.title || s.meta.name);
  const startFromProject = useTrainingUi((s) => s.startFromProject);
  const [error, setError] = useState<string | null>(null);
  const fit = useMemo(() => embeddedWeights(report, embedded), [report, embedded]);
  const hasTrained = live !== null && (live.finalWeights !== null || requests.available()) && live.progress.globalStep > 0;
  const notify = useUi.getState().notify;

  const trainedFile = async () => {
    const weights = await requests.getWeights();
    return weightsFileFor(live!.graph, weights, runMetrics(live!), live!.dataset?.preprocessing ?? null);
  };

  const exportWeights = async () => {
    setError(null);
    try {
      const weights = await requests.getWeights();
      // JSON while the model fits it, binary .safetensors of any size beyond
      const saved = await platform.exportFile(weightsExportFor(fileSafe(project), live!.graph, weights, runMetrics(live!), live!.dataset?.preprocessing ?? null));
      if (saved) notify('success', 'Weights exported');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  // File → Export model: the trained network in another framework's format, checked against this run's worker
  const modelSource = async () => ({ graph: live!.graph, weights: await requests.getWeights(), preprocessing: live!.dataset?.preprocessing ?? null, name: fileSafe(project) });
  const outputOf = async (sample: Float32Array) => {
    const nodes = inferShapes(live!.graph).nodes;
    const out = nodes.find((n) => n.spec?.output) ?? nodes[nodes.length - 1];
    return (await requests.infer(sample))[out.id].data;
  };

  const keepInProject = async () => {
    setError(null);
    try {
      useEditor.getState().setMeta({ weights: await trainedFile() });
      notify('success', 'The trained weights are in the project: save it to keep them');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const importWeights = async () => {
    setError(null);
    try {
      const f = await platform.training.openWeights();
      if (!f) return;
      const { json } = readWeightsFor(report, f.name, f.content);
      useEditor.getState().setMeta({ weights: json });
      useTrainingUi.getState().set({ startFromProject: true });
      notify('success', `${f.name} fits the network: the next run starts from it`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <Section title="Weights" testId="training-weights">
      <div className="button-row">
        <button className="button" disabled={!hasTrained} onClick={() => void exportWeights()} data-testid="training-export-weights" title="Save the trained weights: weights JSON, or binary .safetensors for large models">
          Export…
        </button>
        <button className="button" disabled={!hasTrained} onClick={() => void keepInProject()} data-testid="training-keep-weights" title="Embed the trained weights in the project file">
          Keep in project
        </button>
        <button className="button" disabled={locked} onClick={() => void importWeights()} data-testid="training-import-weights" title="Load a weights JSON file that fits this network">
          Import…
        </button>
      </div>
      <ExportModel disabled={!hasTrained || !requests.available()} source={modelSource} infer={outputOf} />
      {embedded && (
        <div className="tweights-state small">
          {fit.problem ? (
            <span className="bad" data-testid="training-weights-mismatch">
              The project's weights do not fit the network: {fit.problem}
            </span>
          ) : (
            <SwitchField
              label="Start from the project's weights"
              checked={startFromProject}
              disabled={locked}
              onChange={(v) => useTrainingUi.getState().set({ startFromProject: v })}
              testId="training-start-from-weights"
            />
          )}
        </div>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="training-weights-error">
          {error}
        </p>
      )}
      {isActive(live?.status) && <p className="field-hint">Export takes the weights as they are at this step.</p>}
    </Section>
  );
}
