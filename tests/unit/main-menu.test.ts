/** The native menu's structure and what each item does (no Electron needed: the template is data). */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate } from '../../src/main/menu';
import { MENU_COMMANDS } from '../../src/preload/contract';

function items(t: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const menu = t.find((m) => m.label?.replace('&', '') === label);
  if (!menu) throw new Error(`no ${label} menu`);
  return menu.submenu as MenuItemConstructorOptions[];
}

const find = (list: MenuItemConstructorOptions[], label: string) => list.find((i) => i.label?.replace(/&/g, '') === label);

function click(item: MenuItemConstructorOptions | undefined) {
  (item!.click as () => void)();
}

describe('buildMenuTemplate', () => {
  const recent = [{ path: '/home/u/lenet.convas.json', name: 'lenet', at: 1 }];
  const actions = { send: vi.fn(), openRecent: vi.fn(), clearRecent: vi.fn() };
  const t = buildMenuTemplate({ isMac: false, appName: 'Convas', recent, isDev: false }, actions);

  it('has File, Edit, View and Window menus with the standard items', () => {
    const file = items(t, 'File').map((i) => i.label?.replace(/&/g, '')).filter(Boolean);
    expect(file).toEqual(expect.arrayContaining(['New Project', 'Open…', 'Open Recent', 'Save', 'Save As…', 'Export']));
    const edit = items(t, 'Edit').map((i) => i.label?.replace(/&/g, '')).filter(Boolean);
    expect(edit).toEqual(['Undo', 'Redo', 'Cut', 'Copy', 'Paste', 'Delete', 'Select All']);
    const view = items(t, 'View').map((i) => i.label?.replace(/&/g, '')).filter(Boolean);
    expect(view).toEqual(expect.arrayContaining(['Zoom to Fit', 'Auto Layout', 'Layer Palette', 'Inspector', 'Summary Table', 'Minimap']));
    expect(t.some((m) => m.role === 'windowMenu')).toBe(true);
  });

  it('sends one renderer command per item, all of them known to the contract', () => {
    const file = items(t, 'File');
    click(find(file, 'Save As…'));
    expect(actions.send).toHaveBeenLastCalledWith('saveAs');
    click(find(items(t, 'Edit'), 'Undo'));
    expect(actions.send).toHaveBeenLastCalledWith('undo');
    const all = t.flatMap((m) => (m.submenu as MenuItemConstructorOptions[]) ?? []).flatMap((i) => [i, ...((i.submenu as MenuItemConstructorOptions[]) ?? [])]);
    actions.send.mockClear();
    for (const i of all) if (i.click && !i.sublabel && i.label !== 'Clear Recent') click(i);
    for (const [cmd] of actions.send.mock.calls) expect(MENU_COMMANDS).toContain(cmd);
  });

  it('offers File → Export → Model…, which asks the renderer to open the export control', () => {
    const sub = find(items(t, 'File'), 'Export')!.submenu as MenuItemConstructorOptions[];
    expect(sub.map((i) => i.label?.replace(/&/g, '')).filter(Boolean)).toEqual(['Graph (JSON)…', 'Layer Summary (CSV)…', 'Model (ONNX, PyTorch, TF.js, Keras)…']);
    const model = find(sub, 'Model (ONNX, PyTorch, TF.js, Keras)…')!;
    expect(model.accelerator).toBe('CmdOrCtrl+Shift+E');
    actions.send.mockClear();
    click(model);
    expect(actions.send).toHaveBeenCalledExactlyOnceWith('exportModel');
    expect(MENU_COMMANDS).toContain('exportModel');
  });

  it('disables File → Export → Model… with its reason while the focused window has no trained weights', () => {
    const model = (exportable: boolean | undefined) => {
      const tpl = buildMenuTemplate({ isMac: false, appName: 'Convas', recent: [], isDev: false, modelExportable: exportable }, actions);
      return find(find(items(tpl, 'File'), 'Export')!.submenu as MenuItemConstructorOptions[], 'Model (ONNX, PyTorch, TF.js, Keras)…')!;
    };
    expect(model(false).enabled).toBe(false);
    expect(model(false).sublabel).toMatch(/trained weights.*Train tab/);
    expect(model(false).toolTip).toMatch(/trained weights/);
    expect(model(true).enabled).not.toBe(false);
    expect(model(true).sublabel).toBeUndefined();
    expect(model(undefined).enabled).not.toBe(false);
  });

  it('lists recent projects and opens them by path', () => {
    const sub = find(items(t, 'File'), 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(sub[0].label).toBe('lenet');
    click(sub[0]);
    expect(actions.openRecent).toHaveBeenCalledWith('/home/u/lenet.convas.json');
    const empty = buildMenuTemplate({ isMac: false, appName: 'Convas', recent: [], isDev: false }, actions);
    const none = find(items(empty, 'File'), 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(none).toEqual([{ label: 'No Recent Projects', enabled: false }]);
  });

  it('keeps bare keys away from text fields', () => {
    // Delete and Shift+1 would eat keystrokes typed into the inspector if registered.
    expect(find(items(t, 'Edit'), 'Delete')!.registerAccelerator).toBe(false);
    expect(find(items(t, 'View'), 'Zoom to Fit')!.registerAccelerator).toBe(false);
    expect(find(items(t, 'Edit'), 'Copy')!.accelerator).toBe('CmdOrCtrl+C');
  });

  it('adds the application menu on macOS and dev tools only in development', () => {
    const mac = buildMenuTemplate({ isMac: true, appName: 'Convas', recent: [], isDev: false }, actions);
    expect(mac[0].label).toBe('Convas');
    const roles = (tpl: MenuItemConstructorOptions[]) => items(tpl, 'View').map((i) => i.role);
    expect(roles(t)).not.toContain('toggleDevTools');
    expect(roles(buildMenuTemplate({ isMac: false, appName: 'Convas', recent: [], isDev: true }, actions))).toContain('toggleDevTools');
  });
});
