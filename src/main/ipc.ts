/**
 * IPC handlers: one per invoke channel of the contract. Every payload is validated (zod) and
 * every sender checked to be the app's own page before anything touches the disk. A path is
 * usable only if main handed it out itself (an open/save dialog in this session, or the recent
 * list main keeps): a path the renderer names anywhere else (a recovery snapshot, a document
 * state) is never added to that set, so a compromised page cannot read or overwrite other files.
 */
import path from 'node:path';
import { BrowserWindow, dialog, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { Channels, PROJECT_EXTENSION, type DocumentState, type OpenResult, type RecentFile, type SaveResult } from '../preload/contract';
import type { DocumentRegistry } from './documents';
import { windowTitle } from './documents';
import { displayName, readBinaryFile, readTextFile, writeFileAtomic } from './files';
import type { RecentFiles } from './recent';
import type { RecoveryFile } from './recovery';
import { isAppUrl } from './security';
import { DocumentStateSchema, ExportRequestSchema, NativeEditSchema, RecentPathSchema, RecoverySnapshotSchema, SaveRequestSchema, validate } from './schemas';

export interface IpcDeps {
  recent: RecentFiles;
  recovery: RecoveryFile;
  documents: DocumentRegistry;
  /** The URL the window was loaded from; senders on other URLs are refused. */
  appUrl: () => string;
  /** Called when the recent list changes (to rebuild the Open Recent menu). */
  onRecentChanged(list: RecentFile[]): void;
  /**
   * Called when a window's document is replaced (open, open recent, or the page's own File → New,
   * dropped file or preset, seen as a new `document` number in its state): what was granted for
   * the old document (its data folder) is revoked.
   */
  onDocumentReplaced?(windowId: number): void;
  /** Called after a window's document state arrives (to enable or disable menu items that follow it). */
  onDocumentState?(windowId: number, state: DocumentState): void;
}

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

const PROJECT_FILTERS = [
  { name: 'Convas project', extensions: ['convas.json'] },
  { name: 'JSON', extensions: ['json'] },
];

/** Open also takes ONNX models, which the page imports into a new project (never saved back over the .onnx). */
const OPEN_FILTERS = [
  { name: 'Convas project or ONNX model', extensions: ['convas.json', 'json', 'onnx'] },
  ...PROJECT_FILTERS,
  { name: 'ONNX model', extensions: ['onnx'] },
];

/** Protobuf's own limit: an ONNX file above 2 GB keeps its weights outside. */
const MAX_ONNX_BYTES = 2 ** 31 - 1;

function windowOf(event: IpcMainInvokeEvent): BrowserWindow {
  const win = BrowserWindow.fromWebContents(event.sender);
  if (!win) throw new Error('no window for this request');
  return win;
}

function ensureExtension(file: string): string {
  return file.endsWith('.json') ? file : `${file}${PROJECT_EXTENSION}`;
}

export function createHandlers(deps: IpcDeps): Record<(typeof Channels)[keyof typeof Channels], Handler> {
  /** Paths the user picked in a dialog during this session; recent files are checked separately. */
  const granted = new Set<string>();

  const mayUse = async (file: string) => granted.has(path.resolve(file)) || (await deps.recent.has(path.resolve(file)));

  const remember = async (file: string) => {
    granted.add(path.resolve(file));
    deps.onRecentChanged(await deps.recent.add(file));
  };

  const readProject = async (event: IpcMainInvokeEvent, file: string): Promise<OpenResult> => {
    if (/\.onnx$/i.test(file)) {
      // not granted, not remembered: the imported project is a new document that saves elsewhere
      const onnx = new Uint8Array(await readBinaryFile(file, MAX_ONNX_BYTES));
      deps.onDocumentReplaced?.(windowOf(event).id);
      return { path: path.resolve(file), name: path.basename(file).replace(/\.onnx$/i, ''), content: '', onnx };
    }
    const content = await readTextFile(file);
    deps.onDocumentReplaced?.(windowOf(event).id);
    await remember(file);
    return { path: path.resolve(file), name: displayName(file), content };
  };

  return {
    [Channels.openProject]: async (event) => {
      const r = await dialog.showOpenDialog(windowOf(event), { title: 'Open project', filters: OPEN_FILTERS, properties: ['openFile'] });
      if (r.canceled || r.filePaths.length === 0) return null;
      return readProject(event, r.filePaths[0]);
    },

    [Channels.openRecent]: async (event, raw) => {
      const file = validate(Channels.openRecent, RecentPathSchema, raw);
      if (!(await deps.recent.has(path.resolve(file)))) throw new Error(`${file} is not in the recent projects list`);
      try {
        return await readProject(event, file);
      } catch (e) {
        deps.onRecentChanged(await deps.recent.remove(path.resolve(file)));
        throw new Error(`cannot open ${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    },

    [Channels.saveProject]: async (event, raw): Promise<SaveResult> => {
      const req = validate(Channels.saveProject, SaveRequestSchema, raw);
      const known = req.path !== undefined && (await mayUse(req.path));
      let target = known && !req.saveAs ? path.resolve(req.path!) : null;
      if (!target) {
        const r = await dialog.showSaveDialog(windowOf(event), {
          title: 'Save project',
          // the dialog opens at the document's file only when main handed that path out
          defaultPath: known ? path.resolve(req.path!) : ensureExtension(req.suggestedName),
          filters: PROJECT_FILTERS,
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        });
        if (r.canceled || !r.filePath) return null;
        target = ensureExtension(r.filePath);
      }
      await writeFileAtomic(target, req.content);
      await remember(target);
      return { path: target, name: displayName(target) };
    },

    [Channels.exportFile]: async (event, raw) => {
      const req = validate(Channels.exportFile, ExportRequestSchema, raw);
      const r = await dialog.showSaveDialog(windowOf(event), {
        title: `Export ${req.filter.name}`,
        defaultPath: req.suggestedName,
        filters: [req.filter],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (r.canceled || !r.filePath) return null;
      await writeFileAtomic(r.filePath, req.content);
      return r.filePath;
    },

    [Channels.listRecent]: async () => deps.recent.list(),

    [Channels.writeRecovery]: async (_event, raw) => {
      const snap = validate(Channels.writeRecovery, RecoverySnapshotSchema, raw);
      // The snapshot's path is the renderer's word: it is kept only when main handed that path
      // out already. Any other path is dropped (the work is still kept; saving it asks where).
      const file = snap.path && (await mayUse(snap.path)) ? path.resolve(snap.path) : null;
      await deps.recovery.write({ ...snap, path: file });
    },

    // Reading grants nothing: the recovered path is saved to without a dialog only while it is
    // still one main handed out (this session's dialogs or the recent list).
    [Channels.readRecovery]: async () => deps.recovery.read(),

    [Channels.clearRecovery]: async () => deps.recovery.clear(),

    [Channels.setDocumentState]: async (event, raw) => {
      const state = validate(Channels.setDocumentState, DocumentStateSchema, raw);
      const win = windowOf(event);
      if (deps.documents.set(win.id, state)) deps.onDocumentReplaced?.(win.id);
      win.setTitle(windowTitle(state));
      win.setDocumentEdited(state.dirty);
      deps.onDocumentState?.(win.id, state);
      if (state.path && (await mayUse(state.path))) win.setRepresentedFilename(state.path);
    },

    [Channels.approveClose]: async (event) => {
      const win = windowOf(event);
      deps.documents.approveClose(win.id);
      // The renderer saved (or the user chose not to): the recovery copy is no longer needed.
      await deps.recovery.clear();
      win.close();
    },

    [Channels.nativeEdit]: async (event, raw) => {
      const action = validate(Channels.nativeEdit, NativeEditSchema, raw);
      const wc: WebContents = event.sender;
      wc[action]();
    },
  };
}

/** Register the handlers on ipcMain, refusing calls from anything but the app's own page. */
export function registerIpcHandlers(
  ipcMain: { handle(channel: string, listener: Handler): void },
  deps: IpcDeps,
): void {
  const handlers = createHandlers(deps);
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, async (event, ...args) => {
      const url = event.senderFrame?.url ?? '';
      if (!isAppUrl(url, deps.appUrl())) throw new Error(`${channel}: refused a request from ${url || 'an unknown frame'}`);
      return handler(event, ...args);
    });
  }
}
