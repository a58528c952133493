/**
 * View state that is not part of the document: theme, which panels show, the batch size the
 * memory estimate uses, transient notices. Preferences persist in localStorage (per machine,
 * not per project).
 */
import { create } from 'zustand';

export type Theme = 'dark' | 'light';
/** `wireShapes`: each wire labelled with the tensor shape it carries (View → Wire Shapes). */
export type Panel = 'palette' | 'inspector' | 'summary' | 'minimap' | 'wireShapes';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

export interface QuickAddState {
  /** Screen position of the menu. */
  screen: { x: number; y: number };
  /** Where the new node goes on the canvas. */
  flow: { x: number; y: number };
  /** A wire dropped on empty canvas: connect the new layer's input to this node. */
  connectFrom?: string;
}

export interface ContextMenuState {
  x: number;
  y: number;
  target: 'node' | 'pane';
}

interface Prefs {
  theme: Theme;
  panels: Record<Panel, boolean>;
  batchSize: number;
}

const PREFS_KEY = 'convas.prefs';

function loadPrefs(): Prefs {
  const fallback: Prefs = {
    theme: window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark',
    panels: { palette: true, inspector: true, summary: false, minimap: true, wireShapes: false },
    batchSize: 64,
  };
  try {
    const saved = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<Prefs>;
    return {
      theme: saved.theme === 'light' || saved.theme === 'dark' ? saved.theme : fallback.theme,
      panels: { ...fallback.panels, ...(saved.panels ?? {}) },
      batchSize: Number.isInteger(saved.batchSize) && saved.batchSize! > 0 ? saved.batchSize! : fallback.batchSize,
    };
  } catch {
    return fallback;
  }
}

export interface UiState extends Prefs {
  toasts: Toast[];
  /** Work under way that the user waits for (an ONNX import), shown until it ends; null when none. */
  busy: string | null;
  quickAdd: QuickAddState | null;
  contextMenu: ContextMenuState | null;
  galleryOpen: boolean;
  shortcutsOpen: boolean;
  recovery: { name: string; savedAt: number } | null;
  setTheme(theme: Theme): void;
  toggleTheme(): void;
  togglePanel(panel: Panel): void;
  setBatchSize(n: number): void;
  notify(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  setBusy(text: string | null): void;
  openQuickAdd(q: QuickAddState | null): void;
  openContextMenu(m: ContextMenuState | null): void;
  setGalleryOpen(open: boolean): void;
  setShortcutsOpen(open: boolean): void;
  setRecovery(r: UiState['recovery']): void;
}

let toastId = 0;

export const useUi = create<UiState>()((set, get) => {
  const persist = () => {
    const { theme, panels, batchSize } = get();
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify({ theme, panels, batchSize }));
    } catch {
      // Preferences are a convenience; a full storage must not break editing.
    }
  };
  return {
    ...loadPrefs(),
    toasts: [],
    busy: null,
    quickAdd: null,
    contextMenu: null,
    galleryOpen: false,
    shortcutsOpen: false,
    recovery: null,
    setTheme(theme) {
      set({ theme });
      persist();
    },
    toggleTheme() {
      get().setTheme(get().theme === 'dark' ? 'light' : 'dark');
    },
    togglePanel(panel) {
      set({ panels: { ...get().panels, [panel]: !get().panels[panel] } });
      persist();
    },
    setBatchSize(batchSize) {
      set({ batchSize });
      persist();
    },
    notify(kind, text) {
      const id = ++toastId;
      set({ toasts: [...get().toasts, { id, kind, text }].slice(-4) });
      setTimeout(() => get().dismiss(id), kind === 'error' ? 9000 : 4500);
    },
    dismiss(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
    setBusy(busy) {
      set({ busy });
    },
    openQuickAdd(quickAdd) {
      set({ quickAdd });
    },
    openContextMenu(contextMenu) {
      set({ contextMenu });
    },
    setGalleryOpen(galleryOpen) {
      set({ galleryOpen });
    },
    setShortcutsOpen(shortcutsOpen) {
      set({ shortcutsOpen });
    },
    setRecovery(recovery) {
      set({ recovery });
    },
  };
});
