/** Right-click menus: on layers (copy, duplicate, delete, rename) and on empty canvas (add, paste, layout). */
import { useEffect } from 'react';
import { hasClip } from '../store/clipboard';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';
import { run, type AppCommand } from '../shell/commands';
import { shortcutFor } from '../shell/shortcuts';
import { BLOCKS } from './blocks';
import { insertBlockAfterSelection } from './insertBlockAction';
import { flow } from './flowApi';

interface Item {
  label: string;
  command?: AppCommand;
  action?: () => void;
  disabled?: boolean;
  danger?: boolean;
}

export function ContextMenu() {
  const menu = useUi((s) => s.contextMenu);
  const selected = useEditor((s) => s.nodes.filter((n) => n.selected).length);
  const close = () => useUi.getState().openContextMenu(null);
  useEffect(() => {
    if (!menu) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menu]);
  if (!menu) return null;

  const items: (Item | 'sep')[] =
    menu.target === 'node'
      ? [
          { label: selected > 1 ? `Copy ${selected} layers` : 'Copy', command: 'copy' },
          { label: 'Cut', command: 'cut' },
          { label: 'Duplicate', command: 'duplicate' },
          'sep',
          ...(selected === 1 ? [{ label: 'Rename…', action: () => document.querySelector<HTMLInputElement>('[data-testid="inspector-name"]')?.select() }] : []),
          { label: 'Zoom to selection', command: 'zoomToSelection' },
          'sep',
          ...(selected === 1 ? [...BLOCKS.map((b) => ({ label: `Insert ${b.label} after`, action: () => insertBlockAfterSelection(b) })), 'sep' as const] : []),
          { label: selected > 1 ? `Delete ${selected} layers` : 'Delete', command: 'delete', danger: true },
        ]
      : [
          {
            label: 'Add layer…',
            action: () => {
              const rf = flow();
              if (rf) useUi.getState().openQuickAdd({ screen: { x: menu.x, y: menu.y }, flow: rf.screenToFlowPosition({ x: menu.x, y: menu.y }) });
            },
          },
          { label: 'Paste', command: 'paste', disabled: !hasClip() },
          { label: 'Select all', command: 'selectAll' },
          'sep',
          { label: 'Auto layout', command: 'autoLayout' },
          { label: 'Zoom to fit', command: 'zoomToFit' },
        ];

  const left = Math.min(menu.x, window.innerWidth - 230);
  const top = Math.min(menu.y, window.innerHeight - items.length * 30 - 16);
  return (
    <>
      <div className="popover-backdrop" onMouseDown={close} onContextMenu={(e) => e.preventDefault()} />
      <div className="context-menu" role="menu" style={{ left, top }} data-testid="context-menu">
        {items.map((item, i) =>
          item === 'sep' ? (
            <div key={i} className="context-sep" role="separator" />
          ) : (
            <button
              key={item.label}
              role="menuitem"
              className={item.danger ? 'danger' : undefined}
              disabled={item.disabled}
              onClick={() => {
                close();
                if (item.command) run(item.command);
                item.action?.();
              }}
            >
              <span>{item.label}</span>
              {item.command && <span className="context-keys">{shortcutFor(item.command)}</span>}
            </button>
          ),
        )}
      </div>
    </>
  );
}
