/**
 * App-wide wiring: shortcuts, native menu commands, the close guard, the window title, the
 * theme, and crash recovery (autosave every few seconds while there are unsaved changes; the
 * copy is offered back at the next start).
 */
import { useEffect } from 'react';
import { platform } from '../platform';
import { currentText, openDroppedFile, openRecent, save } from '../project/actions';
import { selectDirty, useEditor } from '../store/editor';
import { currentExportBlocker } from '../export/export-command';
import { useUi } from '../store/ui';
import { useTraining } from '../training/store';
import { run } from './commands';
import { handleKeyDown } from './shortcuts';

const AUTOSAVE_MS = 4000;

export function useAppEffects(): void {
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);

  // A project or an ONNX model dropped anywhere on the window opens (palette layers dropped on the canvas are not files).
  useEffect(() => {
    const isFile = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const over = (e: DragEvent) => {
      if (!isFile(e)) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      const file = isFile(e) ? e.dataTransfer!.files[0] : undefined;
      if (!file) return;
      e.preventDefault();
      void openDroppedFile(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  useEffect(() => {
    window.addEventListener('keydown', handleKeyDown);
    const offMenu = platform.onMenuCommand(run);
    const offRecent = platform.onOpenRecentRequested((id) => void openRecent(id));
    const offClose = platform.installCloseGuard({ isDirty: () => selectDirty(useEditor.getState()), saveAndClose: save });
    return () => {
      window.removeEventListener('keydown', handleKeyDown);
      offMenu();
      offRecent();
      offClose();
    };
  }, []);

  // Window title and unsaved marker follow the document; File → Export → Model… follows the run.
  useEffect(() => {
    let last = '';
    const sync = () => {
      const s = useEditor.getState();
      // document: a new number for each document loaded, so main revokes the old one's data folder
      const state = { name: s.meta.name, path: s.meta.path, dirty: selectDirty(s), modelExportable: currentExportBlocker() === null, document: s.loadCount };
      const key = JSON.stringify(state);
      if (key !== last) {
        last = key;
        platform.setDocumentState(state);
      }
    };
    sync();
    const offEditor = useEditor.subscribe(sync);
    const offTraining = useTraining.subscribe(sync);
    return () => {
      offEditor();
      offTraining();
    };
  }, []);

  // Recovery: offer what the last session left, then keep a fresh copy while work is unsaved.
  useEffect(() => {
    let cancelled = false;
    platform.readRecovery().then(
      (snap) => {
        if (!cancelled && snap) useUi.getState().setRecovery({ name: snap.name, savedAt: snap.savedAt });
      },
      () => undefined,
    );
    let writtenRev = -1;
    const timer = setInterval(() => {
      const s = useEditor.getState();
      // Until the user has answered the recovery offer, the old copy must not be overwritten.
      if (useUi.getState().recovery) return;
      if (!selectDirty(s) || s.rev === writtenRev) return;
      let content: string;
      try {
        content = currentText();
      } catch {
        return;
      }
      writtenRev = s.rev;
      void platform.writeRecovery({ content, name: s.meta.name, path: s.meta.path, savedAt: Date.now() }).catch(() => undefined);
    }, AUTOSAVE_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);
}
