/**
 * The native menu. Every item either is a standard role (quit, window handling, dev tools) or
 * sends one MenuCommand to the focused window's renderer, which owns the document. Built by a
 * pure function so a test can check the structure without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../preload/contract';

export interface MenuActions {
  send(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
}

export interface MenuOptions {
  isMac: boolean;
  appName: string;
  recent: readonly RecentFile[];
  isDev: boolean;
  /** The focused window has trained weights to export (File → Export → Model…); absent: enabled. */
  modelExportable?: boolean;
}

const NO_TRAINED_WEIGHTS = 'Needs trained weights: train the network in the Train tab first';

function command(label: string, cmd: MenuCommand, actions: MenuActions, accelerator?: string, extra: Partial<MenuItemConstructorOptions> = {}): MenuItemConstructorOptions {
  return { label, accelerator, click: () => actions.send(cmd), ...extra };
}

export function buildMenuTemplate(opts: MenuOptions, actions: MenuActions): MenuItemConstructorOptions[] {
  const { isMac, recent } = opts;
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? [
        ...recent.map((r) => ({ label: r.name, sublabel: r.path, toolTip: r.path, click: () => actions.openRecent(r.path) })),
        { type: 'separator' as const },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No Recent Projects', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      command('&New Project', 'new', actions, 'CmdOrCtrl+N'),
      command('Presets &Gallery…', 'showGallery', actions, 'CmdOrCtrl+Shift+N'),
      command('&Open…', 'open', actions, 'CmdOrCtrl+O'),
      { label: 'Open &Recent', submenu: recentItems },
      { type: 'separator' },
      command('&Save', 'save', actions, 'CmdOrCtrl+S'),
      command('Save &As…', 'saveAs', actions, 'CmdOrCtrl+Shift+S'),
      {
        label: '&Export',
        submenu: [
          command('Graph (JSON)…', 'exportGraph', actions),
          command('Layer Summary (CSV)…', 'exportSummary', actions),
          { type: 'separator' },
          // Opens the Train tab's export control; without trained weights the renderer says why.
          command('&Model (ONNX, PyTorch, TF.js, Keras)…', 'exportModel', actions, 'CmdOrCtrl+Shift+E', opts.modelExportable === false ? { enabled: false, sublabel: NO_TRAINED_WEIGHTS, toolTip: NO_TRAINED_WEIGHTS } : {}),
        ],
      },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit', label: 'E&xit' },
    ],
  };

  // Delete is not registered as an accelerator: it would steal forward-delete from text fields.
  // The canvas handles Delete/Backspace itself; the menu item shows the key and works by click.
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      command('&Undo', 'undo', actions, 'CmdOrCtrl+Z'),
      command('&Redo', 'redo', actions, isMac ? 'Shift+Cmd+Z' : 'Ctrl+Y'),
      { type: 'separator' },
      command('Cu&t', 'cut', actions, 'CmdOrCtrl+X'),
      command('&Copy', 'copy', actions, 'CmdOrCtrl+C'),
      command('&Paste', 'paste', actions, 'CmdOrCtrl+V'),
      command('&Delete', 'delete', actions, isMac ? undefined : 'Delete', { registerAccelerator: false }),
      { type: 'separator' },
      command('Select &All', 'selectAll', actions, 'CmdOrCtrl+A'),
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      // A bare key would steal typing from text fields: the canvas handles Shift+1 itself.
      command('Zoom to &Fit', 'zoomToFit', actions, 'Shift+1', { registerAccelerator: false }),
      command('Auto &Layout', 'autoLayout', actions, 'CmdOrCtrl+Shift+L'),
      { type: 'separator' },
      command('Layer &Palette', 'togglePalette', actions, 'CmdOrCtrl+1'),
      command('&Inspector', 'toggleInspector', actions, 'CmdOrCtrl+2'),
      command('&Summary Table', 'toggleSummary', actions, 'CmdOrCtrl+3'),
      command('&Minimap', 'toggleMinimap', actions, 'CmdOrCtrl+4'),
      command('&Wire Shapes', 'toggleWireShapes', actions, 'CmdOrCtrl+5'),
      { type: 'separator' },
      command('Toggle &Dark / Light Theme', 'toggleTheme', actions, 'CmdOrCtrl+Shift+T'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { role: 'togglefullscreen' },
      ...(opts.isDev ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
    ],
  };

  const windowMenu: MenuItemConstructorOptions = { role: 'windowMenu' };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [command('&Keyboard Shortcuts', 'showShortcuts', actions, 'CmdOrCtrl+/')],
  };

  const template: MenuItemConstructorOptions[] = [file, edit, view, windowMenu, help];
  if (isMac) {
    template.unshift({
      label: opts.appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  return template;
}
