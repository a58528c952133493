/**
 * The app window: locked down (context isolation, sandbox, no Node in the page, no popups, no
 * navigation away from the app) and guarded against closing with unsaved work.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, dialog, shell } from 'electron';
import { Events } from '../preload/contract';
import type { DocumentRegistry } from './documents';
import { APP_NAME } from './documents';
import { APP_INDEX_URL } from './app-protocol';
import type { RecoveryFile } from './recovery';
import { isAppUrl, isExternalLink } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface WindowDeps {
  documents: DocumentRegistry;
  recovery: RecoveryFile;
  icon: string;
}

/** The dev server URL under `electron-vite dev`, else the bundled page on the app scheme. */
export function rendererUrl(): string {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev) return dev;
  return APP_INDEX_URL;
}

/** The built renderer folder the app scheme serves (out/renderer, beside out/main). */
export function rendererRoot(): string {
  return path.join(here, '../renderer');
}

export function createMainWindow(deps: WindowDeps): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: APP_NAME,
    icon: deps.icon,
    show: false,
    backgroundColor: '#16181d',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const appUrl = rendererUrl();

  win.webContents.setWindowOpenHandler(({ url }) => {
    // only https links to the allow-listed documentation sites leave the app
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());

  win.on('close', (event) => {
    if (deps.documents.closeDecision(win.id) === 'close') return;
    event.preventDefault();
    const name = deps.documents.get(win.id)?.name ?? 'this project';
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      buttons: ['Save', "Don't Save", 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
      message: `Save changes to “${name}” before closing?`,
      detail: 'Your changes will be lost if you don’t save them.',
    });
    if (choice === 0) {
      // The renderer saves (possibly through a Save As dialog) and then calls approveClose.
      win.webContents.send(Events.closeRequested);
    } else if (choice === 1) {
      deps.documents.approveClose(win.id);
      void deps.recovery.clear().finally(() => win.close());
    }
  });
  win.on('closed', () => deps.documents.forget(win.id));
  win.once('ready-to-show', () => win.show());

  void win.loadURL(appUrl);
  return win;
}
