/**
 * The one IPC contract between main, preload and renderer. Runs everywhere (types and string
 * constants only, no Node or DOM): main validates every payload against schemas that mirror
 * these types (src/main/schemas.ts), the preload exposes one function per channel, and the
 * renderer's electron platform calls them.
 */

import type { TrainingBridge } from './training-contract';

export * from './training-contract';

/** Invoke channels: renderer → main, answered with a value (training's: TrainingChannels). */
export const Channels = {
  openProject: 'project:open',
  openRecent: 'project:open-recent',
  saveProject: 'project:save',
  exportFile: 'file:export',
  listRecent: 'recent:list',
  writeRecovery: 'recovery:write',
  readRecovery: 'recovery:read',
  clearRecovery: 'recovery:clear',
  setDocumentState: 'window:document-state',
  approveClose: 'window:approve-close',
  nativeEdit: 'window:native-edit',
} as const;

/** Event channels: main → renderer. */
export const Events = {
  menuCommand: 'menu:command',
  closeRequested: 'window:close-requested',
  openRecentRequested: 'menu:open-recent',
} as const;

/** A project file read from disk: its text is parsed by the renderer with the engine's loader. */
export interface OpenedFile {
  path: string;
  name: string;
  content: string;
  /** An ONNX model's bytes (`.onnx` picked in the open dialog): the page imports it; `content` is then empty. */
  onnx?: Uint8Array;
}

/** `null` when the user cancelled the dialog. */
export type OpenResult = OpenedFile | null;

export interface SaveRequest {
  /** Absent or `saveAs` → ask for a path first. */
  path?: string;
  saveAs?: boolean;
  /** Suggested file name for the dialog. */
  suggestedName: string;
  content: string;
}

export type SaveResult = { path: string; name: string } | null;

export interface ExportRequest {
  suggestedName: string;
  /** Text (JSON, CSV) or bytes (ONNX, HDF5…), written as is. */
  content: string | Uint8Array;
  /** File-type filter for the dialog, e.g. { name: 'CSV', extensions: ['csv'] }. */
  filter: { name: string; extensions: string[] };
}

export interface RecentFile {
  path: string;
  name: string;
  /** ms since epoch of the last open or save. */
  at: number;
}

export interface RecoverySnapshot {
  /** The project as it would be saved. */
  content: string;
  /** The file it belongs to, when it has been saved before. */
  path: string | null;
  name: string;
  savedAt: number;
}

export interface DocumentState {
  name: string;
  path: string | null;
  dirty: boolean;
  /** A run has trained weights to export: enables File → Export → Model… (absent: left enabled, the renderer explains). */
  modelExportable?: boolean;
  /**
   * Which document the window holds: the page counts up each time it replaces the document (File →
   * New, open, a dropped file, a preset, a recovered copy), never on an edit or a save. A change
   * revokes what main granted for the old document (its data folder).
   */
  document?: number;
}

export type NativeEditAction = 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll' | 'delete';

/** What the native menu asks the renderer to do. */
export const MENU_COMMANDS = [
  'new',
  'open',
  'save',
  'saveAs',
  'exportGraph',
  'exportSummary',
  /** Open the Train tab's Export model control (ONNX, PyTorch, TF.js, Keras). */
  'exportModel',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'delete',
  'selectAll',
  'zoomToFit',
  'autoLayout',
  'togglePalette',
  'toggleInspector',
  'toggleSummary',
  'toggleMinimap',
  'toggleWireShapes',
  'toggleTheme',
  'showGallery',
  'showShortcuts',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export type Unsubscribe = () => void;

/** `window.convas`: exactly one function per channel, nothing generic. */
export interface ConvasApi {
  openProject(): Promise<OpenResult>;
  openRecent(path: string): Promise<OpenResult>;
  saveProject(req: SaveRequest): Promise<SaveResult>;
  exportFile(req: ExportRequest): Promise<string | null>;
  listRecent(): Promise<RecentFile[]>;
  writeRecovery(snapshot: RecoverySnapshot): Promise<void>;
  readRecovery(): Promise<RecoverySnapshot | null>;
  clearRecovery(): Promise<void>;
  setDocumentState(state: DocumentState): Promise<void>;
  /** Sent after the renderer has saved (or discarded) in answer to a close request. */
  approveClose(): Promise<void>;
  /** Run a text-editing command on the focused field (menus route here when a field has focus). */
  nativeEdit(action: NativeEditAction): Promise<void>;
  onMenuCommand(listener: (command: MenuCommand) => void): Unsubscribe;
  /** Main asks to close a window with unsaved work; the renderer saves and calls approveClose. */
  onCloseRequested(listener: () => void): Unsubscribe;
  /** File ▸ Open Recent ▸ (a file): the renderer checks for unsaved work, then calls openRecent. */
  onOpenRecentRequested(listener: (path: string) => void): Unsubscribe;
  /** Training runs (worker processes, data dialogs, stored runs): see training-contract.ts. */
  training: TrainingBridge;
}

export const PROJECT_EXTENSION = '.convas.json';
