/** Help ▸ Keyboard Shortcuts (also "?"): every shortcut from the one table, and the mouse gestures. */
import { useUi } from '../store/ui';
import { displayKeys, SHORTCUTS } from './shortcuts';

const GESTURES: [string, string][] = [
  ['Drag from the palette', 'Add a layer'],
  ['Double-click the canvas', 'Quick add at the cursor'],
  ['Drag from a port', 'Wire layers (refused with the reason when shapes cannot work)'],
  ['Drop a wire on empty canvas', 'Add a layer that follows, already wired'],
  ['Drag on empty canvas', 'Box select'],
  ['Shift / Ctrl + click', 'Add to the selection'],
  ['Middle or right drag, Space + drag', 'Pan'],
  ['Scroll', 'Zoom'],
];

export function ShortcutsDialog() {
  const open = useUi((s) => s.shortcutsOpen);
  if (!open) return null;
  const close = () => useUi.getState().setShortcutsOpen(false);
  // One row per command, its keys joined ("Ctrl+Shift+Z / Ctrl+Y").
  const rows = new Map<string, { label: string; keys: string[] }>();
  for (const s of SHORTCUTS) {
    const row = rows.get(s.command) ?? { label: s.label, keys: [] };
    row.keys.push(displayKeys(s.keys));
    rows.set(s.command, row);
  }
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal shortcuts" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts" onKeyDown={(e) => e.key === 'Escape' && close()} tabIndex={-1}>
        <header className="modal-header">
          <div>
            <h2>Keyboard shortcuts</h2>
          </div>
          <button className="icon-button" onClick={close} aria-label="Close" autoFocus>
            ✕
          </button>
        </header>
        <div className="shortcuts-body">
          <table>
            <tbody>
              {[...rows.values()].map((r) => (
                <tr key={r.label}>
                  <td>{r.label}</td>
                  <td className="keys">
                    {r.keys.map((k) => (
                      <kbd key={k}>{k}</kbd>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <tbody>
              {GESTURES.map(([g, what]) => (
                <tr key={g}>
                  <td className="muted">{g}</td>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
