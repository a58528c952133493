/**
 * Builds the `window.convas` object from an ipcRenderer-like transport. Kept apart from the
 * contextBridge call so a unit test can check that every channel maps to exactly one function.
 */
import { Channels, Events, MENU_COMMANDS, type ConvasApi, type MenuCommand } from './contract';
import { buildTrainingApi } from './training-api';

/** The subset of Electron's ipcRenderer the preload uses. */
export interface IpcTransport {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function isMenuCommand(v: unknown): v is MenuCommand {
  return typeof v === 'string' && (MENU_COMMANDS as readonly string[]).includes(v);
}

export function buildApi(ipc: IpcTransport): ConvasApi {
  const call = <T>(channel: string, ...args: unknown[]) => ipc.invoke(channel, ...args) as Promise<T>;
  const subscribe = (channel: string, handler: (...args: unknown[]) => void) => {
    // Strip the IpcRendererEvent: it carries `sender`, which must never reach the page.
    const listener = (_event: unknown, ...args: unknown[]) => handler(...args);
    ipc.on(channel, listener);
    return () => {
      ipc.removeListener(channel, listener);
    };
  };
  return {
    openProject: () => call(Channels.openProject),
    openRecent: (path) => call(Channels.openRecent, path),
    saveProject: (req) => call(Channels.saveProject, req),
    exportFile: (req) => call(Channels.exportFile, req),
    listRecent: () => call(Channels.listRecent),
    writeRecovery: (snapshot) => call(Channels.writeRecovery, snapshot),
    readRecovery: () => call(Channels.readRecovery),
    clearRecovery: () => call(Channels.clearRecovery),
    setDocumentState: (state) => call(Channels.setDocumentState, state),
    approveClose: () => call(Channels.approveClose),
    nativeEdit: (action) => call(Channels.nativeEdit, action),
    onMenuCommand: (listener) =>
      subscribe(Events.menuCommand, (command) => {
        if (isMenuCommand(command)) listener(command);
      }),
    onCloseRequested: (listener) => subscribe(Events.closeRequested, () => listener()),
    onOpenRecentRequested: (listener) =>
      subscribe(Events.openRecentRequested, (path) => {
        if (typeof path === 'string') listener(path);
      }),
    training: buildTrainingApi(call, subscribe),
  };
}
