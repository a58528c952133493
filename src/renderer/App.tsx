/** The window: toolbar, palette, canvas (with the summary dock), inspector, status bar. */
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './canvas/Canvas';
import { ContextMenu } from './canvas/ContextMenu';
import { QuickAdd } from './canvas/QuickAdd';
import { Palette } from './palette/Palette';
import { Gallery } from './presets/Gallery';
import { SidePanel } from './shell/SidePanel';
import { ConfirmHost } from './shell/ConfirmHost';
import { RecoveryBanner } from './shell/RecoveryBanner';
import { ShortcutsDialog } from './shell/ShortcutsDialog';
import { Toasts } from './shell/Toasts';
import { Toolbar } from './shell/Toolbar';
import { useAppEffects } from './shell/useAppEffects';
import { StatusBar } from './status/StatusBar';
import { SummaryTable } from './status/SummaryTable';
import { useUi } from './store/ui';
import { CurvesDock } from './training/CurvesDock';
import { TrainingLockBanner, useTrainingEffects } from './training/TrainingEffects';
import { useTrainingUi } from './training/ui';
import { useTraining } from './training/store';
import { VisualsHost } from './visuals/VisualsHost';

export function App() {
  useAppEffects();
  useTrainingEffects();
  const panels = useUi((s) => s.panels);
  // the curves show with the Train tab, and stay while there is a run to watch
  const dock = useTrainingUi((s) => (s.dockOpen ? s.tab : null));
  const hasRun = useTraining((s) => s.live !== null);
  const curves = dock !== null && ((dock === 'train' && panels.inspector) || hasRun);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <RecoveryBanner />
        <div className="workspace">
          {panels.palette && <Palette />}
          <main className="centre">
            <TrainingLockBanner />
            <Canvas />
            {curves && <CurvesDock />}
            {panels.summary && <SummaryTable />}
          </main>
          {panels.inspector && <SidePanel />}
        </div>
        <StatusBar />
      </div>
      <QuickAdd />
      <ContextMenu />
      <Gallery />
      <VisualsHost />
      <ShortcutsDialog />
      <ConfirmHost />
      <Toasts />
    </ReactFlowProvider>
  );
}
