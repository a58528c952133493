/**
 * Electron main: one window, the native menu, IPC handlers, recent files and crash recovery.
 * Owns the file system; the renderer asks through the preload's typed functions.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, protocol, session } from 'electron';
import { Events, type MenuCommand, type RecentFile } from '../preload/contract';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { DataGrants } from './data-grants';
import { APP_NAME, DocumentRegistry } from './documents';
import { registerIpcHandlers } from './ipc';
import { buildMenuTemplate } from './menu';
import { RecentFiles } from './recent';
import { DataPreviews } from './preview';
import { RecoveryFile } from './recovery';
import { denyPermissionCheck, denyPermissionRequest } from './security';
import { TrainingProcesses } from './training';
import { registerTrainingHandlers } from './training-ipc';
import { RunStore } from './training-runs';
import { createMainWindow, rendererRoot, rendererUrl } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));

// The page is served from app://convas (app-protocol.ts); the scheme's privileges must be
// registered before the app is ready.
registerAppScheme(protocol);

app.setName(APP_NAME);
// Tests (and portable setups) point the profile elsewhere so they never touch the user's own.
// Set before the single-instance lock, which is taken per profile.
if (process.env.CONVAS_USER_DATA) app.setPath('userData', process.env.CONVAS_USER_DATA);
const userData = app.getPath('userData');
const recent = new RecentFiles(path.join(userData, 'recent.json'));
const recovery = new RecoveryFile(path.join(userData, 'recovery.convas.json'));
const documents = new DocumentRegistry();
// one utility process per training run, from the worker entry built beside this file
const training = new TrainingProcesses(path.join(here, 'training-worker.js'));
const icon = path.join(here, '../../resources/icons/icon.png');

function focused(): BrowserWindow | undefined {
  return BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
}

function send(command: MenuCommand): void {
  focused()?.webContents.send(Events.menuCommand, command);
}

let menuRecent: readonly RecentFile[] = [];
let menuExportable: boolean | undefined;

/** Whether the focused window's run has trained weights (File → Export → Model… follows it). */
function focusedExportable(): boolean | undefined {
  const win = focused();
  return win ? documents.get(win.id)?.modelExportable : undefined;
}

/** Rebuild only when what the menu shows for the focused window changed. */
function refreshMenuForFocus(): void {
  if (focusedExportable() !== menuExportable) rebuildMenu(menuRecent);
}

function rebuildMenu(list: readonly RecentFile[]): void {
  menuRecent = list;
  menuExportable = focusedExportable();
  const template = buildMenuTemplate(
    { isMac: process.platform === 'darwin', appName: APP_NAME, recent: list, isDev: !app.isPackaged, modelExportable: menuExportable },
    {
      send,
      openRecent: (file) => focused()?.webContents.send(Events.openRecentRequested, file),
      clearRecent: () => {
        void (async () => {
          for (const r of await recent.list()) await recent.remove(r.path);
          rebuildMenu([]);
          app.clearRecentDocuments();
        })();
      },
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  for (const r of list) app.addRecentDocument(r.path);
}

function start(): void {
  const grants = new DataGrants(path.join(userData, 'data-grants.json'));
  registerIpcHandlers(ipcMain, {
    recent,
    recovery,
    documents,
    appUrl: rendererUrl,
    onRecentChanged: rebuildMenu,
    onDocumentState: refreshMenuForFocus,
    // another project in the window: the data folder picked for the old one is revoked
    onDocumentReplaced: (windowId) => grants.releaseWindow(windowId),
  });
  registerTrainingHandlers(ipcMain, {
    runs: new RunStore(path.join(userData, 'runs')),
    grants,
    processes: training,
    // data files are decoded in a short-lived utility process, never in main
    previews: new DataPreviews(path.join(here, 'preview-worker.js')),
    appUrl: rendererUrl,
  });
  app.on('before-quit', () => training.closeAll());
  app.on('browser-window-focus', refreshMenuForFocus);

  app.on('second-instance', () => {
    const win = focused();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.whenReady().then(async () => {
    // Nothing in Convas needs the camera, microphone, notifications, geolocation or devices.
    session.defaultSession.setPermissionRequestHandler(denyPermissionRequest);
    session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);
    session.defaultSession.setDevicePermissionHandler(denyPermissionCheck);
    handleAppProtocol(protocol, rendererRoot());
    rebuildMenu(await recent.list());
    createMainWindow({ documents, recovery, icon });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createMainWindow({ documents, recovery, icon });
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

// A second instance would fight over the recovery file: it hands over to the first window and quits.
if (app.requestSingleInstanceLock()) start();
else app.quit();
