/** The window: toolbar, palette, canvas (with the summary dock), inspector, status bar. */
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './canvas/Canvas';
import { ContextMenu } from './canvas/ContextMenu';
import { QuickAdd } from './canvas/QuickAdd';
import { Inspector } from './inspector/Inspector';
import { Palette } from './palette/Palette';
import { Gallery } from './presets/Gallery';
import { ConfirmHost } from './shell/ConfirmHost';
import { RecoveryBanner } from './shell/RecoveryBanner';
import { ShortcutsDialog } from './shell/ShortcutsDialog';
import { Toasts } from './shell/Toasts';
import { Toolbar } from './shell/Toolbar';
import { useAppEffects } from './shell/useAppEffects';
import { StatusBar } from './status/StatusBar';
import { SummaryTable } from './status/SummaryTable';
import { useUi } from './store/ui';
import { VisualsHost } from './visuals/VisualsHost';

export function App() {
  useAppEffects();
  const panels = useUi((s) => s.panels);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <RecoveryBanner />
        <div className="workspace">
          {panels.palette && <Palette />}
          <main className="centre">
            <Canvas />
            {panels.summary && <SummaryTable />}
          </main>
          {panels.inspector && <Inspector />}
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
