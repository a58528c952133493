/**
 * The browser platform: projects are downloaded when saved and uploaded through a file picker
 * when opened (a web page has no paths); recent projects and the recovery copy live in
 * localStorage, so "Open Recent" works across reloads.
 */
import type { NativeEditAction } from '../../preload/contract';
import type { Platform, ProjectFile, RecentEntry, RecoveryEntry } from './types';
import { browserTraining } from './browser-training';
import { fileText } from './file-text';

const RECENT_KEY = 'convas.recent';
const RECOVERY_KEY = 'convas.recovery';
const MAX_RECENT = 8;

interface StoredRecent extends RecentEntry {
  content: string;
}

function readJson<T>(key: string, fallback: T): T {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** Store, dropping the oldest recent entries when the browser's quota is reached. */
function writeRecent(list: StoredRecent[]): void {
  let items = list.slice(0, MAX_RECENT);
  while (items.length > 0) {
    try {
      localStorage.setItem(RECENT_KEY, JSON.stringify(items));
      return;
    } catch {
      items = items.slice(0, -1);
    }
  }
  localStorage.removeItem(RECENT_KEY);
}

function remember(name: string, content: string): void {
  const id = `${name}.convas.json`;
  const rest = readJson<StoredRecent[]>(RECENT_KEY, []).filter((r) => r.id !== id);
  writeRecent([{ id, name, detail: 'stored in this browser', at: Date.now(), content }, ...rest]);
}

function baseName(fileName: string): string {
  return fileName.replace(/\.convas\.json$/i, '').replace(/\.json$/i, '');
}

function pickFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.json,application/json,.onnx';
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve(input.files?.[0] ?? null);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve(null);
      input.remove();
    });
    document.body.appendChild(input);
    input.click();
  });
}

function download(fileName: string, content: string | Uint8Array, mime: string): void {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: Chromium starts the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const editCommands: Record<NativeEditAction, string> = {
  undo: 'undo',
  redo: 'redo',
  cut: 'cut',
  copy: 'copy',
  paste: 'paste',
  selectAll: 'selectAll',
  delete: 'delete',
};

export function browserPlatform(): Platform {
  return {
    kind: 'browser',
    menuOwnsShortcuts: false,
    openProject: async (): Promise<ProjectFile | null> => {
      const file = await pickFile();
      if (!file) return null;
      // an ONNX model becomes a new project when imported; it is remembered once saved
      if (/\.onnx$/i.test(file.name)) return { name: file.name.replace(/\.onnx$/i, ''), path: null, content: '', onnx: new Uint8Array(await file.arrayBuffer()) };
      const content = await fileText(file);
      const name = baseName(file.name);
      remember(name, content);
      return { name, path: null, content };
    },
    openRecent: async (id) => {
      const entry = readJson<StoredRecent[]>(RECENT_KEY, []).find((r) => r.id === id);
      if (!entry) throw new Error(`${id} is no longer stored in this browser`);
      remember(entry.name, entry.content);
      return { name: entry.name, path: null, content: entry.content };
    },
    saveProject: async ({ name, content }) => {
      download(`${name}.convas.json`, content, 'application/json');
      remember(name, content);
      return { name, path: null };
    },
    exportFile: async ({ suggestedName, content, mime }) => {
      download(suggestedName, content, mime);
      return true;
    },
    listRecent: async () => readJson<StoredRecent[]>(RECENT_KEY, []).map(({ id, name, detail, at }) => ({ id, name, detail, at })),
    writeRecovery: async (entry) => {
      try {
        localStorage.setItem(RECOVERY_KEY, JSON.stringify(entry));
      } catch {
        // Quota reached: recovery is best effort, the user's explicit saves are unaffected.
      }
    },
    readRecovery: async () => {
      const r = readJson<RecoveryEntry | null>(RECOVERY_KEY, null);
      return r && typeof r.content === 'string' && typeof r.name === 'string' ? r : null;
    },
    clearRecovery: async () => localStorage.removeItem(RECOVERY_KEY),
    setDocumentState: ({ name, dirty }) => {
      document.title = `${dirty ? '● ' : ''}${name} — Convas`;
    },
    nativeEdit: (action) => {
      document.execCommand(editCommands[action]);
    },
    onMenuCommand: () => () => undefined,
    onOpenRecentRequested: () => () => undefined,
    installCloseGuard: ({ isDirty }) => {
      const onBeforeUnload = (e: BeforeUnloadEvent) => {
        if (!isDirty()) return;
        e.preventDefault();
        // Chromium shows its own "Leave site?" text; setting returnValue is what triggers it.
        e.returnValue = '';
      };
      window.addEventListener('beforeunload', onBeforeUnload);
      return () => window.removeEventListener('beforeunload', onBeforeUnload);
    },
    training: browserTraining(),
  };
}
