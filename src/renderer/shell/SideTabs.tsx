/** The side panel's tabs: the inspector, the training dashboard and the visuals. */
import { isActive, useTraining } from '../training/store';
import { useTrainingUi, type SideTab } from '../training/ui';

export function SideTabs() {
  const tab = useTrainingUi((s) => s.tab);
  const busy = useTraining((s) => isActive(s.live?.status));
  const choose = (t: SideTab) => useTrainingUi.getState().set({ tab: t });
  return (
    <div className="panel-tabs" role="tablist">
      <button role="tab" aria-selected={tab === 'inspector'} className={`panel-tab${tab === 'inspector' ? ' is-active' : ''}`} onClick={() => choose('inspector')} data-testid="tab-inspector">
        Inspector
      </button>
      <button role="tab" aria-selected={tab === 'train'} className={`panel-tab${tab === 'train' ? ' is-active' : ''}`} onClick={() => choose('train')} data-testid="tab-train">
        Train{busy && <span className="tab-dot" aria-label="a run is live" />}
      </button>
      <button role="tab" aria-selected={tab === 'visuals'} className={`panel-tab${tab === 'visuals' ? ' is-active' : ''}`} onClick={() => choose('visuals')} data-testid="tab-visuals">
        Visuals
      </button>
    </div>
  );
}
