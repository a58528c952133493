/**
 * One dispatcher for every command, whoever issues it: the native menu (desktop), the toolbar,
 * keyboard shortcuts, the welcome screen. Edit commands go to a focused text field when there
 * is one, and to the canvas otherwise.
 */
import type { MenuCommand, NativeEditAction } from '../../preload/contract';
import { flow, lastPointerFlow, lastPointerScreen, stopKeepingFitted, zoomToFit } from '../canvas/flowApi';
import { layoutInWorker } from '../canvas/layout-in-worker';
import { openModelExport } from '../export/export-command';
import { platform } from '../platform';
import * as files from '../project/actions';
import { copySelection, cutSelection, paste } from '../store/clipboard';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';

export type AppCommand = MenuCommand | 'quickAdd' | 'duplicate' | 'escape' | 'zoomToSelection';

export function isTextField(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'range', 'color', 'file'].includes(type);
  }
  return (el as HTMLElement).isContentEditable;
}

const textEdits: Partial<Record<AppCommand, NativeEditAction>> = {
  undo: 'undo',
  redo: 'redo',
  cut: 'cut',
  copy: 'copy',
  paste: 'paste',
  selectAll: 'selectAll',
  delete: 'delete',
};

/** The newest Auto layout started; an older one that finishes later is dropped. */
let layoutSeq = 0;

/**
 * Auto layout, computed in a web worker (the window stays usable) and applied as one undo step.
 * Applied only if the graph did not change while it ran (else dropped, and said so) and no newer
 * Auto layout began.
 */
export async function autoLayout(): Promise<void> {
  const { nodes, edges, rev, loadCount } = useEditor.getState();
  if (nodes.length === 0) return;
  const seq = ++layoutSeq;
  let positions: Awaited<ReturnType<typeof layoutInWorker>>;
  try {
    positions = await layoutInWorker(nodes, edges);
  } catch (e) {
    if (seq === layoutSeq) useUi.getState().notify('error', `Auto layout failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (seq !== layoutSeq) return;
  const now = useEditor.getState();
  if (now.rev !== rev || now.loadCount !== loadCount) {
    useUi.getState().notify('info', 'Auto layout was not applied: the canvas changed while it ran. Run it again.');
    return;
  }
  now.setPositions(positions);
  setTimeout(zoomToFit, 30);
}

export function run(command: AppCommand): void {
  const editor = useEditor.getState();
  const ui = useUi.getState();
  const edit = textEdits[command];
  if (edit && isTextField(document.activeElement)) {
    platform.nativeEdit(edit);
    return;
  }
  switch (command) {
    case 'new':
      void files.newProject();
      return;
    case 'open':
      void files.openProject();
      return;
    case 'save':
      void files.save();
      return;
    case 'saveAs':
      void files.saveAs();
      return;
    case 'exportGraph':
      void files.exportGraph();
      return;
    case 'exportSummary':
      void files.exportSummary();
      return;
    case 'exportModel':
      openModelExport();
      return;
    case 'undo':
      editor.undo();
      return;
    case 'redo':
      editor.redo();
      return;
    case 'copy':
      copySelection();
      return;
    case 'cut':
      cutSelection();
      return;
    case 'paste':
      paste(lastPointerFlow() ?? undefined);
      return;
    case 'duplicate':
      if (copySelection() > 0) paste();
      return;
    case 'delete':
      editor.deleteSelection();
      return;
    case 'selectAll':
      editor.selectAll();
      return;
    case 'zoomToFit':
      zoomToFit();
      return;
    case 'zoomToSelection': {
      const selected = editor.nodes.filter((n) => n.selected);
      stopKeepingFitted();
      if (selected.length) void flow()?.fitView({ nodes: selected, padding: 0.4, duration: 250, maxZoom: 1.5 });
      else zoomToFit();
      return;
    }
    case 'autoLayout':
      void autoLayout();
      return;
    case 'togglePalette':
      ui.togglePanel('palette');
      return;
    case 'toggleInspector':
      ui.togglePanel('inspector');
      return;
    case 'toggleSummary':
      ui.togglePanel('summary');
      return;
    case 'toggleMinimap':
      ui.togglePanel('minimap');
      return;
    case 'toggleWireShapes':
      ui.togglePanel('wireShapes');
      return;
    case 'toggleTheme':
      ui.toggleTheme();
      return;
    case 'showGallery':
      ui.setGalleryOpen(true);
      return;
    case 'showShortcuts':
      ui.setShortcutsOpen(true);
      return;
    case 'quickAdd': {
      const screen = lastPointerScreen();
      const rf = flow();
      if (!rf) return;
      const at = screen ?? { x: window.innerWidth / 2, y: window.innerHeight / 2 };
      ui.openQuickAdd({ screen: at, flow: rf.screenToFlowPosition(at) });
      return;
    }
    case 'escape':
      if (ui.contextMenu) ui.openContextMenu(null);
      else if (ui.quickAdd) ui.openQuickAdd(null);
      else if (ui.shortcutsOpen) ui.setShortcutsOpen(false);
      else if (ui.galleryOpen) ui.setGalleryOpen(false);
      else editor.clearSelection();
      return;
  }
}
