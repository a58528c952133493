/**
 * The main entry with Electron mocked: one instance per profile, every IPC channel registered,
 * the menu and the window created when the app is ready, nothing started by a second instance.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Channels, TrainingChannels } from '../../src/preload/contract';

const e = vi.hoisted(() => {
  const state = { lock: true, ready: null as null | (() => Promise<void>) };
  return {
    state,
    app: {
      setName: vi.fn(),
      setPath: vi.fn(),
      getPath: vi.fn(() => ''),
      requestSingleInstanceLock: vi.fn(() => state.lock),
      quit: vi.fn(),
      on: vi.fn(),
      isPackaged: true,
      whenReady: vi.fn(() => ({ then: (fn: () => Promise<void>) => (state.ready = fn) })),
      addRecentDocument: vi.fn(),
      clearRecentDocuments: vi.fn(),
    },
    ipcMain: { handle: vi.fn() },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() } },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    createMainWindow: vi.fn(),
    dialog: { showOpenDialog: vi.fn() },
    window: { id: 5 },
    // a preview worker that answers at once (the real one is tested in main-preview.test.ts)
    utilityProcess: {
      fork: vi.fn(() => {
        const listeners = new Map<string, (x: unknown) => void>();
        return {
          on: (name: string, l: (x: unknown) => void) => listeners.set(name, l),
          postMessage: () => setImmediate(() => listeners.get('message')?.({ ok: true, preview: { name: 'folder' } })),
          kill: () => true,
        };
      }),
    },
  };
});

vi.mock('electron', () => ({
  app: e.app,
  ipcMain: e.ipcMain,
  Menu: e.Menu,
  session: e.session,
  protocol: e.protocol,
  dialog: e.dialog,
  utilityProcess: e.utilityProcess,
  BrowserWindow: { getAllWindows: () => [], getFocusedWindow: () => null, fromWebContents: () => e.window },
}));
vi.mock('../../src/main/window', () => ({ createMainWindow: e.createMainWindow, rendererUrl: () => 'app://convas/index.html', rendererRoot: () => '/app/out/renderer' }));

beforeEach(() => {
  vi.resetModules();
  vi.clearAllMocks();
  e.state.ready = null;
  e.app.getPath.mockReturnValue(mkdtempSync(join(tmpdir(), 'convas-main-')));
});

describe('main entry', () => {
  it('registers every channel and opens the window when ready', async () => {
    e.state.lock = true;
    process.env.CONVAS_USER_DATA = '/tmp/convas-profile-test';
    await import('../../src/main/index');
    delete process.env.CONVAS_USER_DATA;
    // The profile is chosen before the per-profile single-instance lock is taken.
    expect(e.app.setPath).toHaveBeenCalledWith('userData', '/tmp/convas-profile-test');
    expect(e.app.setPath.mock.invocationCallOrder[0]).toBeLessThan(e.app.requestSingleInstanceLock.mock.invocationCallOrder[0]);
    expect(e.ipcMain.handle.mock.calls.map((c) => c[0]).sort()).toEqual([...Object.values(Channels), ...Object.values(TrainingChannels)].sort());
    expect(e.createMainWindow).not.toHaveBeenCalled();
    // the app scheme is privileged before ready (Electron refuses it later), and served after
    expect(e.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(e.protocol.handle).not.toHaveBeenCalled();
    await e.state.ready!();
    expect(e.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(e.protocol.handle.mock.invocationCallOrder[0]).toBeLessThan(e.createMainWindow.mock.invocationCallOrder[0]);
    expect(e.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    expect(e.createMainWindow).toHaveBeenCalledTimes(1);
    expect(e.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    const deny = vi.fn();
    e.session.defaultSession.setPermissionRequestHandler.mock.calls[0][0](null, 'media', deny);
    expect(deny).toHaveBeenCalledWith(false);
    // synchronous permission checks (navigator.permissions, device lists) are answered "no" too
    const check = e.session.defaultSession.setPermissionCheckHandler.mock.calls[0][0] as (...a: unknown[]) => boolean;
    for (const permission of ['media', 'clipboard-read', 'geolocation', 'notifications', 'hid', 'serial']) expect(check(null, permission, 'app://convas', {})).toBe(false);
    expect((e.session.defaultSession.setDevicePermissionHandler.mock.calls[0][0] as (d: unknown) => boolean)({ deviceType: 'usb' })).toBe(false);
  });

  it('opening another project in a window revokes the data folder picked for the old one', async () => {
    e.state.lock = true;
    const dir = e.app.getPath();
    process.env.CONVAS_USER_DATA = join(dir, 'profile');
    await import('../../src/main/index');
    delete process.env.CONVAS_USER_DATA;
    const handler = (channel: string) => e.ipcMain.handle.mock.calls.find((c) => c[0] === channel)![1] as (ev: unknown, ...a: unknown[]) => Promise<unknown>;
    const ev = { sender: { once: vi.fn() }, senderFrame: { url: 'app://convas/index.html' } };
    const folder = join(dir, 'mnist');
    mkdirSync(folder);
    e.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [folder] });
    const choice = await handler(TrainingChannels.chooseData)(ev, 'idx');
    await expect(handler(TrainingChannels.describeData)(ev, choice, null)).resolves.toEqual({ name: 'folder' });
    const project = join(dir, 'other.convas.json');
    writeFileSync(project, '{}');
    e.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [project] });
    await handler(Channels.openProject)(ev);
    await expect(handler(TrainingChannels.describeData)(ev, choice, null)).rejects.toThrow(`training:describe-data: ${folder} was not chosen in a dialog; choose the data folder again`);
  });

  it('a second instance quits without starting anything', async () => {
    e.state.lock = false;
    await import('../../src/main/index');
    expect(e.app.quit).toHaveBeenCalled();
    expect(e.ipcMain.handle).not.toHaveBeenCalled();
    expect(e.protocol.handle).not.toHaveBeenCalled();
    expect(e.state.ready).toBeNull();
  });
});
