/**
 * The renderer's only door to the outside world. Two implementations: `electron` (through the
 * preload's window.convas) and `browser` (downloads, file inputs, localStorage). Components
 * never check which one runs, except through the capability flags below.
 */
import type { MenuCommand, NativeEditAction } from '../../preload/contract';
import type { TrainingPlatform } from './training';

export interface ProjectFile {
  /** Display name without extension, e.g. "lenet5". */
  name: string;
  /** A path on disk (desktop) or null (browser: files have no path). */
  path: string | null;
  content: string;
  /** An ONNX model's bytes (File → Open of a `.onnx`): imported into a new project; `content` is then empty. */
  onnx?: Uint8Array;
}

export interface RecentEntry {
  /** A path (desktop) or a storage key (browser). */
  id: string;
  name: string;
  /** Shown as a hint under the name. */
  detail: string;
  at: number;
}

export interface RecoveryEntry {
  content: string;
  name: string;
  path: string | null;
  savedAt: number;
}

export interface SaveArgs {
  name: string;
  path: string | null;
  content: string;
  saveAs: boolean;
}

export interface ExportArgs {
  suggestedName: string;
  /** Text, or bytes (binary weights, ONNX, HDF5). */
  content: string | Uint8Array;
  mime: string;
  filter: { name: string; extensions: string[] };
}

export interface Platform {
  kind: 'electron' | 'browser';
  /** Native menus own the standard shortcuts (save, undo, copy…): the page must not also act on them. */
  menuOwnsShortcuts: boolean;
  openProject(): Promise<ProjectFile | null>;
  openRecent(id: string): Promise<ProjectFile | null>;
  /** Resolves to where it went, or null when the user cancelled. */
  saveProject(args: SaveArgs): Promise<{ name: string; path: string | null } | null>;
  exportFile(args: ExportArgs): Promise<boolean>;
  listRecent(): Promise<RecentEntry[]>;
  writeRecovery(entry: RecoveryEntry): Promise<void>;
  readRecovery(): Promise<RecoveryEntry | null>;
  clearRecovery(): Promise<void>;
  setDocumentState(state: { name: string; path: string | null; dirty: boolean; modelExportable?: boolean; document?: number }): void;
  /** Text-editing commands for a focused field when a menu, not the keyboard, asked for them. */
  nativeEdit(action: NativeEditAction): void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  onOpenRecentRequested(listener: (id: string) => void): () => void;
  /**
   * Closing with unsaved work: the desktop asks natively and then calls `saveAndClose`; the
   * browser can only show its own leave-page prompt, using `isDirty`.
   */
  installCloseGuard(hooks: { isDirty: () => boolean; saveAndClose: () => Promise<boolean> }): () => void;
  /** Training runs in a worker, data choice, stored runs (see ./training.ts). */
  training: TrainingPlatform;
}

/** IPC rejections arrive as "Error invoking remote method 'x': Error: message"; keep the message. */
export function cleanIpcError(e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^Error invoking remote method '[^']+': (?:Error: )?(.*)$/s.exec(msg);
  return new Error(m ? m[1] : msg);
}
