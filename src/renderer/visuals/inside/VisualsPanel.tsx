/**
 * The side panel's Visuals tab: what the selected layer learned (a conv layer's kernels) and
 * what it makes of the chosen validation sample (its feature maps), following the selection
 * on the canvas; the kernel-fit experiment's progress when that is what trains; and the way
 * into the evaluation, the layer-by-layer view and the kernel playground.
 */
import { useShallow } from 'zustand/react/shallow';
import { useTraining } from '../../training/store';
import { useEditor } from '../../store/editor';
import { useVisuals } from '../store';
import { FeatureMaps } from './FeatureMaps';
import { KernelFitView, kernelFitConv } from './KernelFitView';
import { KernelGrid } from './KernelGrid';
import { useSampleOutputs, useWeights } from './queries';
import { hasImageKernels, outputLabels, useRunInfo, type RunInfo } from './runInfo';
import { SamplePicker } from './SamplePicker';
import '../visuals.css';

const WIDTH = 316;

function Actions({ trained }: { trained: boolean }) {
  const v = useVisuals.getState();
  return (
    <div className="button-row visuals-actions">
      <button className="button" disabled={!trained} onClick={() => v.openInside('evaluation')} data-testid="visuals-open-evaluation">
        Evaluation
      </button>
      <button className="button" disabled={!trained} onClick={() => v.openInside('layers')} data-testid="visuals-open-layers">
        Layer by layer
      </button>
      <button className="button" onClick={() => v.setPlaygroundOpen(true)} data-testid="visuals-open-playground">
        Kernel playground
      </button>
    </div>
  );
}

export function VisualsPanel() {
  const info = useRunInfo();
  const kernelFit = useTraining((s) => (s.live?.data.kind === 'builtin' && s.live.data.ref.kind === 'kernel-fit' ? true : false));
  if (!info) {
    return (
      <div className="visuals-panel" data-testid="visuals-panel">
        <p className="muted">
          Train the network (the Train tab) to look inside it: kernels, feature maps of a validation sample, the confusion matrix and the mistakes. The kernel playground works without training.
        </p>
        <Actions trained={false} />
      </div>
    );
  }
  const fitConv = kernelFit ? kernelFitConv(info) : null;
  return (
    <div className="visuals-panel" data-testid="visuals-panel">
      <Actions trained />
      {fitConv && <KernelFitView conv={fitConv} />}
      <SelectedLayer info={info} />
    </div>
  );
}

function SelectedLayer({ info }: { info: RunInfo }) {
  const selected = useEditor(useShallow((s) => s.nodes.filter((n) => n.selected).map((n) => n.id)));
  const sample = useVisuals((s) => s.sample);
  const id = selected.length === 1 ? selected[0] : null;
  const node = id ? info.order.find((n) => n.id === id) : undefined;
  const outputs = useSampleOutputs(sample);
  const weights = useWeights(node !== undefined && hasImageKernels(node));
  return (
    <section className="visuals-section" data-testid="visuals-layer">
      <SamplePicker info={info} outputs={outputs.value} />
      {outputs.error && (
        <p className="bad small" role="alert">
          {outputs.error}
        </p>
      )}
      {!id ? (
        <p className="muted small">Select a layer on the canvas to see its kernels and what it makes of this sample.</p>
      ) : !node ? (
        <p className="muted small">{id} is not in the network that trained (it was added or renamed since): train again to look inside it.</p>
      ) : (
        <>
          <h3 className="visuals-layer-title">
            {node.id} <span className="muted">· {node.spec?.label ?? node.type}</span>
          </h3>
          {hasImageKernels(node) && node.paramShapes.weight && (
            <div className="visuals-block">
              <h4>Kernels</h4>
              {weights.value?.[`${node.id}.weight`] ? (
                <KernelGrid weight={weights.value[`${node.id}.weight`]} shape={node.paramShapes.weight} cell={node.paramShapes.weight[1] === 1 ? 40 : 26} maxOut={32} maxIn={8} width={WIDTH} testId="visuals-kernels" />
              ) : (
                <p className="muted small">{weights.error ?? 'Fetching the weights…'}</p>
              )}
            </div>
          )}
          <div className="visuals-block">
            <h4>Output for sample {sample}</h4>
            {outputs.value?.[node.id] ? (
              <FeatureMaps output={outputs.value[node.id]} tile={node.type === 'Input' ? 120 : 64} maxChannels={64} labels={outputLabels(info, node.id, outputs.value[node.id].data.length)} width={WIDTH} testId="visuals-maps" />
            ) : (
              <p className="muted small">{outputs.error ? '' : 'Asking the worker…'}</p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
