/**
 * Keyboard shortcuts. On the desktop the native menu owns the ones it lists (it receives the
 * keys first on every platform), so the page handles only the canvas-only keys there; in the
 * browser the page handles all of them.
 */
import type { AppCommand } from './commands';
import { isTextField, run } from './commands';
import { platform } from '../platform';
import { lastPointerScreen } from '../canvas/flowApi';

export interface Shortcut {
  /** "Mod" is Cmd on macOS, Ctrl elsewhere. */
  keys: string;
  command: AppCommand;
  /** Registered as a native menu accelerator on the desktop. */
  menu: boolean;
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Mod+N', command: 'new', menu: true, label: 'New project' },
  { keys: 'Mod+O', command: 'open', menu: true, label: 'Open…' },
  { keys: 'Mod+S', command: 'save', menu: true, label: 'Save' },
  { keys: 'Mod+Shift+S', command: 'saveAs', menu: true, label: 'Save as…' },
  { keys: 'Mod+Shift+N', command: 'showGallery', menu: true, label: 'Presets gallery' },
  { keys: 'Mod+Shift+E', command: 'exportModel', menu: true, label: 'Export model…' },
  { keys: 'Mod+Z', command: 'undo', menu: true, label: 'Undo' },
  { keys: 'Mod+Shift+Z', command: 'redo', menu: true, label: 'Redo' },
  { keys: 'Mod+Y', command: 'redo', menu: true, label: 'Redo' },
  { keys: 'Mod+X', command: 'cut', menu: true, label: 'Cut' },
  { keys: 'Mod+C', command: 'copy', menu: true, label: 'Copy' },
  { keys: 'Mod+V', command: 'paste', menu: true, label: 'Paste' },
  { keys: 'Mod+D', command: 'duplicate', menu: false, label: 'Duplicate' },
  { keys: 'Mod+A', command: 'selectAll', menu: true, label: 'Select all' },
  { keys: 'Delete', command: 'delete', menu: false, label: 'Delete' },
  { keys: 'Backspace', command: 'delete', menu: false, label: 'Delete' },
  { keys: 'Shift+1', command: 'zoomToFit', menu: false, label: 'Zoom to fit' },
  { keys: 'Shift+2', command: 'zoomToSelection', menu: false, label: 'Zoom to selection' },
  { keys: 'Mod+Shift+L', command: 'autoLayout', menu: true, label: 'Auto layout' },
  { keys: 'Mod+1', command: 'togglePalette', menu: true, label: 'Layer palette' },
  { keys: 'Mod+2', command: 'toggleInspector', menu: true, label: 'Inspector' },
  { keys: 'Mod+3', command: 'toggleSummary', menu: true, label: 'Summary table' },
  { keys: 'Mod+4', command: 'toggleMinimap', menu: true, label: 'Minimap' },
  { keys: 'Mod+5', command: 'toggleWireShapes', menu: true, label: 'Wire shapes' },
  { keys: 'Mod+Shift+T', command: 'toggleTheme', menu: true, label: 'Dark / light theme' },
  { keys: 'Tab', command: 'quickAdd', menu: false, label: 'Quick add layer' },
  { keys: 'Shift+A', command: 'quickAdd', menu: false, label: 'Quick add layer' },
  { keys: 'Escape', command: 'escape', menu: false, label: 'Close / deselect' },
  { keys: 'Mod+/', command: 'showShortcuts', menu: true, label: 'Keyboard shortcuts' },
  { keys: 'Shift+?', command: 'showShortcuts', menu: false, label: 'Keyboard shortcuts' },
];

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** "Mod+Shift+S" for the event, in the same spelling as the table. */
export function comboOf(e: KeyboardEvent): string {
  const parts: string[] = [];
  if (isMac ? e.metaKey : e.ctrlKey) parts.push('Mod');
  if (e.altKey) parts.push('Alt');
  if (e.shiftKey) parts.push('Shift');
  // Shift+1 arrives as key "!" on most layouts: use the physical digit.
  let key = e.key;
  if (/^Digit\d$/.test(e.code)) key = e.code.slice(5);
  else if (key.length === 1) key = key.toUpperCase();
  parts.push(key);
  return parts.join('+');
}

/** Shown in tooltips: "⌘⇧S" on macOS, "Ctrl+Shift+S" elsewhere. */
export function displayKeys(keys: string): string {
  if (!isMac) return keys.replace('Mod', 'Ctrl');
  return keys.replace('Mod+', '⌘').replace('Shift+', '⇧').replace('Alt+', '⌥');
}

export function shortcutFor(command: AppCommand): string | undefined {
  const s = SHORTCUTS.find((x) => x.command === command);
  return s && displayKeys(s.keys);
}

/** Commands that still make sense while typing in a field (they are not text edits). */
const GLOBAL_IN_FIELDS = new Set<AppCommand>(['save', 'saveAs', 'open', 'new', 'showGallery', 'exportModel', 'toggleTheme', 'togglePalette', 'toggleInspector', 'toggleSummary', 'toggleMinimap', 'toggleWireShapes', 'autoLayout']);

export function handleKeyDown(e: KeyboardEvent): void {
  const combo = comboOf(e);
  const hit = SHORTCUTS.find((s) => s.keys === combo);
  if (!hit) return;
  if (hit.menu && platform.menuOwnsShortcuts) return;
  const inField = isTextField(document.activeElement);
  if (inField && !GLOBAL_IN_FIELDS.has(hit.command)) return;
  // Keys typed inside dialogs and menus belong to them.
  if (!inField && (document.activeElement as HTMLElement | null)?.closest?.('[role="dialog"], .quick-add')) return;
  // Quick-add opens at the cursor: only while the cursor is over the canvas (Tab elsewhere moves focus).
  if (hit.command === 'quickAdd' && !lastPointerScreen()) return;
  e.preventDefault();
  run(hit.command);
}
