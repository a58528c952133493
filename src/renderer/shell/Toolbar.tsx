/** The top bar: document name and state, file and edit actions, view toggles, theme. */
import { Icon, type IconName } from '../icons/Icon';
import { useEditor, selectDirty } from '../store/editor';
import { useUi, type Panel } from '../store/ui';
import { run, type AppCommand } from './commands';
import { shortcutFor } from './shortcuts';
import { InsideButton, PlaygroundButton } from '../visuals/ToolbarButtons';
import { ExportModelButton } from '../export/ExportModelButton';

function ToolButton({ icon, label, command, disabled, active, testId }: { icon: IconName; label: string; command: AppCommand; disabled?: boolean; active?: boolean; testId?: string }) {
  const keys = shortcutFor(command);
  return (
    <button
      className={`tool-button${active ? ' is-active' : ''}`}
      onClick={() => run(command)}
      disabled={disabled}
      title={keys ? `${label} (${keys})` : label}
      aria-label={label}
      aria-pressed={active}
      data-testid={testId ?? `tool-${command}`}
    >
      <Icon name={icon} />
    </button>
  );
}

function PanelToggle({ panel, icon, label, command }: { panel: Panel; icon: IconName; label: string; command: AppCommand }) {
  const on = useUi((s) => s.panels[panel]);
  return <ToolButton icon={icon} label={label} command={command} active={on} />;
}

export function Toolbar() {
  const meta = useEditor((s) => s.meta);
  const dirty = useEditor(selectDirty);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const theme = useUi((s) => s.theme);
  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand" title="Convas">
        <svg width="20" height="20" viewBox="0 0 32 32" aria-hidden>
          <rect x="2" y="2" width="28" height="28" rx="8" className="brand-bg" />
          <rect x="8" y="7" width="16" height="5" rx="2.5" className="brand-a" />
          <rect x="8" y="20" width="16" height="5" rx="2.5" className="brand-b" />
          <path d="M16 12v8" className="brand-wire" />
        </svg>
        <span>Convas</span>
      </div>
      <div className="toolbar-group">
        <ToolButton icon="file" label="New project" command="new" />
        <ToolButton icon="open" label="Open project" command="open" />
        <ToolButton icon="save" label="Save" command="save" />
        <ToolButton icon="grid" label="Presets" command="showGallery" />
        <ExportModelButton />
      </div>
      <div className="toolbar-group">
        <ToolButton icon="undo" label="Undo" command="undo" disabled={!canUndo} />
        <ToolButton icon="redo" label="Redo" command="redo" disabled={!canRedo} />
      </div>
      <div className="toolbar-group">
        <ToolButton icon="layout" label="Auto layout" command="autoLayout" />
        <ToolButton icon="fit" label="Zoom to fit" command="zoomToFit" />
      </div>
      <div className="toolbar-group">
        <PlaygroundButton />
        <InsideButton />
      </div>
      <div className="doc-title" data-testid="doc-title" title={meta.path ?? 'Not saved yet'}>
        <span className="doc-name">{meta.name}</span>
        {meta.title && meta.title !== meta.name && <span className="doc-subtitle">{meta.title}</span>}
        {dirty && <span className="doc-dirty" title="Unsaved changes" data-testid="doc-dirty" />}
      </div>
      <div className="toolbar-group right">
        <PanelToggle panel="palette" icon="sidebarLeft" label="Layer palette" command="togglePalette" />
        <PanelToggle panel="summary" icon="table" label="Summary table" command="toggleSummary" />
        <PanelToggle panel="minimap" icon="map" label="Minimap" command="toggleMinimap" />
        <PanelToggle panel="wireShapes" icon="wireShapes" label="Wire shapes" command="toggleWireShapes" />
        <PanelToggle panel="inspector" icon="sidebarRight" label="Inspector" command="toggleInspector" />
        <ToolButton icon="keyboard" label="Keyboard shortcuts" command="showShortcuts" />
        <ToolButton icon={theme === 'dark' ? 'sun' : 'moon'} label={theme === 'dark' ? 'Light theme' : 'Dark theme'} command="toggleTheme" />
      </div>
    </header>
  );
}
