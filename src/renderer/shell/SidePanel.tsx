/**
 * The right-hand side panel: its tabs and the one body shown — the Inspector (inspector/), the
 * training dashboard (training/) or the visuals (visuals/). The host lives above the three, so
 * none of them hosts the others.
 */
import { Inspector } from '../inspector/Inspector';
import { TrainPanel } from '../training/TrainPanel';
import { useTrainingUi } from '../training/ui';
import { VisualsPanel } from '../visuals/inside/VisualsPanel';
import { SideTabs } from './SideTabs';

export function SidePanel() {
  const tab = useTrainingUi((s) => s.tab);
  return (
    <aside className={`panel inspector${tab === 'train' ? ' is-train' : tab === 'visuals' ? ' is-visuals' : ''}`} aria-label="Side panel" data-testid="inspector">
      <SideTabs />
      <div className="panel-scroll">{tab === 'train' ? <TrainPanel /> : tab === 'visuals' ? <VisualsPanel /> : <Inspector />}</div>
    </aside>
  );
}
