/** The desktop platform: every call goes through the preload's typed `window.convas`. */
import type { ConvasApi } from '../../preload/contract';
import { cleanIpcError, type Platform } from './types';
import { electronTraining } from './electron-training';

async function ipc<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw cleanIpcError(e);
  }
}

export function electronPlatform(api: ConvasApi): Platform {
  return {
    kind: 'electron',
    menuOwnsShortcuts: true,
    openProject: async () => {
      const r = await ipc(api.openProject());
      return r && { name: r.name, path: r.path, content: r.content, ...(r.onnx ? { onnx: r.onnx } : {}) };
    },
    openRecent: async (id) => {
      const r = await ipc(api.openRecent(id));
      return r && { name: r.name, path: r.path, content: r.content };
    },
    saveProject: async ({ name, path, content, saveAs }) =>
      ipc(api.saveProject({ path: path ?? undefined, saveAs, suggestedName: `${name}.convas.json`, content })),
    exportFile: async ({ suggestedName, content, filter }) => (await ipc(api.exportFile({ suggestedName, content, filter }))) !== null,
    listRecent: async () => (await ipc(api.listRecent())).map((r) => ({ id: r.path, name: r.name, detail: r.path, at: r.at })),
    writeRecovery: (entry) => ipc(api.writeRecovery(entry)),
    readRecovery: () => ipc(api.readRecovery()),
    clearRecovery: () => ipc(api.clearRecovery()),
    setDocumentState: (state) => void api.setDocumentState(state).catch(() => undefined),
    nativeEdit: (action) => void api.nativeEdit(action),
    onMenuCommand: (listener) => api.onMenuCommand(listener),
    onOpenRecentRequested: (listener) => api.onOpenRecentRequested(listener),
    installCloseGuard: ({ saveAndClose }) =>
      api.onCloseRequested(() => {
        void saveAndClose().then((saved) => {
          if (saved) void api.approveClose();
        });
      }),
    training: electronTraining(api.training),
  };
}
