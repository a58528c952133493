/**
 * The Train tab of the right-hand panel: the run (controls, progress, failure), the data, the
 * settings, the weights and the kept runs. Training itself runs in a worker (platform.training);
 * this panel only sends commands and shows what the run store holds.
 */
import { useEditor } from '../store/editor';
import './training.css';
import { selectGraph, useReport } from '../store/report';
import { DataSection, useDataPreview } from './DataSection';
import { platform } from '../platform';
import { choiceFromProject, dataLabel, fitProblems, networkProblem, shapesClassesFor, withShapesOptions } from './data-choice';
import { Section } from './fields';
import { RunSection } from './RunSection';
import { RunsList } from './RunsList';
import { hyperFrom, SettingsSection } from './SettingsSection';
import { isActive, useTraining } from './store';
import { useTrainingUi } from './ui';
import { WeightsSection } from './WeightsSection';
import { embeddedWeights } from './weights-io';

const CHECKPOINT_EVERY_STEPS = 100;

export function TrainPanel() {
  const report = useReport();
  const projectDataset = useEditor((s) => s.meta.training.dataset);
  const picked = useTrainingUi((s) => s.data);
  const shapesSamples = useTrainingUi((s) => s.shapesSamples);
  const shapesTestSamples = useTrainingUi((s) => s.shapesTestSamples);
  // the status only: progress changes every frame while a run goes, and this panel holds forms
  const active = useTraining((s) => isActive(s.live?.status));
  // Shapes draws as many classes as the Softmax has outputs (2–10), so a 10-way network has 10 targets
  const choice = withShapesOptions(picked ?? choiceFromProject(projectDataset, platform.training.systemData), { shapesSamples, shapesTestSamples, classes: shapesClassesFor(report) });
  const inputShape = report.nodes.find((n) => n.type === 'Input')?.outputShape ?? null;
  const preview = useDataPreview(choice, inputShape);

  const blocked =
    networkProblem(report) ??
    (preview.error
      ? 'The data cannot be opened (see Data).'
      : !preview.preview
        ? 'Opening the data…'
        : fitProblems(preview.preview, report).length > 0
          ? 'The data does not fit the network (see Data).'
          : null);

  const train = () => {
    const s = useEditor.getState();
    const ui = useTrainingUi.getState();
    const weights = ui.startFromProject ? embeddedWeights(report, s.meta.weights).tensors : null;
    void useTraining.getState().start({
      graph: selectGraph(s),
      data: choice,
      // a checkpoint every 100 steps as well as each epoch: a crash or a divergence loses little
      hyper: { ...hyperFrom(s.meta.training), checkpointEverySteps: CHECKPOINT_EVERY_STEPS },
      project: s.meta.title || s.meta.name,
      dataLabel: preview.preview?.name ?? dataLabel(choice),
      ...(weights ? { weights } : {}),
    });
    if (!ui.dockOpen) ui.set({ dockOpen: true });
  };

  return (
    <div className="inspector-body tpanel" data-testid="training-panel">
      <RunSection blocked={blocked} onTrain={train} />
      <DataSection choice={choice} report={report} preview={preview} locked={active} />
      <SettingsSection disabled={active} />
      <WeightsSection report={report} locked={active} />
      <Section title="Runs" testId="training-runs-section">
        <RunsList />
      </Section>
    </div>
  );
}
