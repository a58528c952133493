/**
 * The app window with Electron mocked: locked-down web preferences, popups denied, navigation
 * away from the app blocked, and the unsaved-work guard on close.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

const m = vi.hoisted(() => {
  class FakeWebContents {
    handlers = new Map<string, Listener>();
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    send = vi.fn();
    on(name: string, fn: Listener) {
      this.handlers.set(name, fn);
      return this;
    }
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn;
    }
  }
  class FakeWindow {
    static last: FakeWindow;
    id = 3;
    handlers = new Map<string, Listener>();
    webContents = new FakeWebContents();
    loadURL = vi.fn(async () => undefined);
    show = vi.fn();
    close = vi.fn();
    constructor(readonly options: Record<string, unknown>) {
      FakeWindow.last = this;
    }
    on(name: string, fn: Listener) {
      this.handlers.set(name, fn);
      return this;
    }
    once(name: string, fn: Listener) {
      return this.on(name, fn);
    }
  }
  return { FakeWindow, showMessageBoxSync: vi.fn(), openExternal: vi.fn() };
});

vi.mock('electron', () => ({
  BrowserWindow: m.FakeWindow,
  dialog: { showMessageBoxSync: m.showMessageBoxSync },
  shell: { openExternal: m.openExternal },
}));

import { DocumentRegistry } from '../../src/main/documents';
import { windowTitle } from '../../src/main/documents';
import { Events } from '../../src/preload/contract';
import { createMainWindow } from '../../src/main/window';

function setup() {
  const documents = new DocumentRegistry();
  const recovery = { clear: vi.fn(async () => undefined) };
  createMainWindow({ documents, recovery: recovery as never, icon: '/icon.png' });
  return { win: m.FakeWindow.last, documents, recovery };
}

function closeEvent() {
  return { preventDefault: vi.fn() };
}

beforeEach(() => vi.clearAllMocks());

describe('createMainWindow', () => {
  it('isolates the page: context isolation, sandbox, no Node, a preload script', () => {
    const { win } = setup();
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.loadURL).toHaveBeenCalledWith('app://convas/index.html');
  });

  it('denies every popup, sending web links to the system browser', () => {
    const { win } = setup();
    expect(win.webContents.openHandler!({ url: 'https://pytorch.org/' })).toEqual({ action: 'deny' });
    expect(m.openExternal).toHaveBeenCalledWith('https://pytorch.org/');
    expect(win.webContents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    // only https, only allow-listed hosts
    expect(win.webContents.openHandler!({ url: 'http://pytorch.org/' })).toEqual({ action: 'deny' });
    expect(win.webContents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(win.webContents.openHandler!({ url: 'smb://share/x' })).toEqual({ action: 'deny' });
    expect(m.openExternal).toHaveBeenCalledTimes(1);
  });

  it('blocks navigation away from the app', () => {
    const { win } = setup();
    const nav = win.webContents.handlers.get('will-navigate')!;
    const away = { preventDefault: vi.fn() };
    nav(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    for (const url of ['file:///opt/convas/out/renderer/index.html', 'app://other/index.html']) {
      const e = { preventDefault: vi.fn() };
      nav(e, url);
      expect(e.preventDefault).toHaveBeenCalled();
    }
    const inApp = { preventDefault: vi.fn() };
    nav(inApp, 'app://convas/index.html#/x');
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const attach = { preventDefault: vi.fn() };
    win.webContents.handlers.get('will-attach-webview')!(attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('closes at once when nothing is unsaved', () => {
    const { win, documents } = setup();
    documents.set(win.id, { name: 'a', path: null, dirty: false });
    const e = closeEvent();
    win.handlers.get('close')!(e);
    expect(e.preventDefault).not.toHaveBeenCalled();
    expect(m.showMessageBoxSync).not.toHaveBeenCalled();
  });

  it('asks before closing unsaved work: Save hands over to the renderer', () => {
    const { win, documents } = setup();
    documents.set(win.id, { name: 'lenet', path: null, dirty: true });
    m.showMessageBoxSync.mockReturnValue(0);
    const e = closeEvent();
    win.handlers.get('close')!(e);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(m.showMessageBoxSync.mock.calls[0][1].message).toContain('lenet');
    expect(win.webContents.send).toHaveBeenCalledWith(Events.closeRequested);
    expect(win.close).not.toHaveBeenCalled();
  });

  it("Don't Save drops the recovery copy and closes; Cancel keeps the window", async () => {
    const { win, documents, recovery } = setup();
    documents.set(win.id, { name: 'lenet', path: null, dirty: true });
    m.showMessageBoxSync.mockReturnValue(2);
    win.handlers.get('close')!(closeEvent());
    expect(win.close).not.toHaveBeenCalled();
    m.showMessageBoxSync.mockReturnValue(1);
    win.handlers.get('close')!(closeEvent());
    await vi.waitFor(() => expect(win.close).toHaveBeenCalled());
    expect(recovery.clear).toHaveBeenCalled();
    expect(documents.closeDecision(win.id)).toBe('close');
  });
});

describe('rendererUrl', () => {
  it('is the app scheme in a build and the dev server under electron-vite dev, whose origin navigation accepts', async () => {
    const { rendererUrl, rendererRoot } = await import('../../src/main/window');
    const { isAppUrl } = await import('../../src/main/security');
    expect(rendererUrl()).toBe('app://convas/index.html');
    expect(rendererRoot()).toMatch(/renderer$/);
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    try {
      expect(rendererUrl()).toBe('http://localhost:5173');
      const { win } = setup();
      expect(win.loadURL).toHaveBeenCalledWith('http://localhost:5173');
      expect(isAppUrl('http://localhost:5173/src/main.tsx', rendererUrl())).toBe(true);
      const e = { preventDefault: vi.fn() };
      win.webContents.handlers.get('will-navigate')!(e, 'http://localhost:5173/#/x');
      expect(e.preventDefault).not.toHaveBeenCalled();
    } finally {
      delete process.env.ELECTRON_RENDERER_URL;
    }
  });
});

describe('windowTitle', () => {
  it('shows the name, and a dot when there are unsaved changes', () => {
    expect(windowTitle(undefined)).toBe('Convas');
    expect(windowTitle({ name: 'vgg16', path: null, dirty: false })).toBe('vgg16 — Convas');
    expect(windowTitle({ name: 'vgg16', path: null, dirty: true })).toBe('● vgg16 — Convas');
  });
});
