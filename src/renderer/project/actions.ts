/**
 * File actions shared by the menus, the toolbar, shortcuts and the welcome screen: new, open,
 * open recent, save, save as, export, presets. Unsaved work is never dropped without asking.
 */
import { currentReport } from '../graph/useReport';
import { layoutInWorker } from '../canvas/layout-in-worker';
import { platform } from '../platform';
import { emptyMeta, useEditor } from '../store/editor';
import { useUi } from '../store/ui';
import { ask } from '../shell/confirm';
import type { WeightsJson } from '../../engine/io/weights';
import { fileText } from '../platform/file-text';
import { documentFromText, documentToText } from './convert';
import { importOnnxInWorker, type WorkerImport } from './onnx-worker';
import { summaryCsv } from './summaryCsv';

function fail(action: string, e: unknown): void {
  useUi.getState().notify('error', `${action}: ${e instanceof Error ? e.message : String(e)}`);
}

export function currentText(): string {
  const { nodes, edges, meta } = useEditor.getState();
  return documentToText(nodes, edges, meta);
}

/** Ask before replacing a document with unsaved changes. Resolves true when it may go. */
export async function confirmDiscard(): Promise<boolean> {
  const s = useEditor.getState();
  if (s.rev === s.savedRev) return true;
  const choice = await ask({
    title: `Save changes to “${s.meta.name}”?`,
    message: 'Your changes will be lost if you don’t save them.',
    buttons: [
      { id: 'cancel', label: 'Cancel', kind: 'plain' },
      { id: 'discard', label: 'Don’t Save', kind: 'danger' },
      { id: 'save', label: 'Save', kind: 'primary' },
    ],
    cancelId: 'cancel',
  });
  if (choice === 'save') return save();
  return choice === 'discard';
}

/** The newest document opened; one still being laid out when a newer one opens is dropped. */
let loadSeq = 0;

/**
 * Put a parsed project on the canvas, laying it out first (in a web worker) when the file has no
 * positions. The window stays usable while the worker lays it out: if another document was opened
 * meanwhile, that one stays (newest wins); if the canvas was edited meanwhile, the edits stay and
 * the user is told the file was not opened.
 */
export async function loadText(text: string, label: string, where: { name: string; path: string | null }, opts: { dirty?: boolean; weights?: WeightsJson } = {}): Promise<boolean> {
  const seq = ++loadSeq;
  try {
    const doc = documentFromText(text, label, where);
    if (opts.weights) doc.meta.weights = opts.weights;
    if (doc.needsLayout) {
      const rev = useEditor.getState().rev;
      const positions = await layoutInWorker(doc.nodes, doc.edges);
      if (seq !== loadSeq) return false; // a newer document replaced this one
      if (useEditor.getState().rev !== rev) {
        useUi.getState().notify('info', `${label} was not opened: the canvas changed while it was being laid out. Open it again to replace the canvas.`);
        return false;
      }
      doc.nodes = doc.nodes.map((n) => ({ ...n, position: positions[n.id] ?? n.position }));
    }
    useEditor.getState().load(doc, opts);
    useUi.getState().setGalleryOpen(false);
    return true;
  } catch (e) {
    if (seq === loadSeq) fail('Could not open', e);
    return false;
  }
}

export async function newProject(): Promise<void> {
  if (!(await confirmDiscard())) return;
  loadSeq++; // a document still being laid out does not replace the new one
  useEditor.getState().load({ nodes: [], edges: [], meta: emptyMeta() });
  await platform.clearRecovery();
}

/** The newest ONNX import started; an older one that finishes later is dropped. */
let importSeq = 0;

/**
 * An ONNX model as a new, unsaved project: imported and laid out in a web worker (the engine's
 * gpu-free importer; the window stays responsive and says what it is doing), with its weights.
 * Nodes that cannot be mapped are named in the error; nothing replaces the current document then.
 * The window stays usable meanwhile, so the result replaces the canvas only if nothing changed
 * it since the import began and no newer import was started; otherwise it is dropped and said so.
 */
export async function loadOnnx(bytes: Uint8Array, name: string): Promise<boolean> {
  const fileName = `${name}.onnx`;
  const seq = ++importSeq;
  const rev = useEditor.getState().rev;
  let result: WorkerImport;
  useUi.getState().setBusy(`Importing ${fileName}…`);
  try {
    result = await importOnnxInWorker(bytes, fileName);
  } catch (e) {
    if (seq === importSeq) fail(`Could not import ${fileName}`, e);
    return false;
  } finally {
    if (seq === importSeq) useUi.getState().setBusy(null);
  }
  if (seq !== importSeq) return false; // a newer import replaces this one
  if (useEditor.getState().rev !== rev) {
    useUi.getState().notify('info', `${fileName} was imported but not opened: the canvas changed while it was importing. Open it again to replace the canvas.`);
    return false;
  }
  // path null: saving asks where (the .onnx file is never overwritten with a project)
  const ok = await loadText(result.projectText, fileName, { name, path: null }, { dirty: true, weights: result.weights });
  if (ok) useUi.getState().notify('success', `Imported ${fileName}: ${result.summary}`);
  return ok;
}

/** A file dropped on the window: a project (.convas.json / .json) or an ONNX model. */
export async function openDroppedFile(file: File): Promise<void> {
  if (!(await confirmDiscard())) return;
  try {
    if (/\.onnx$/i.test(file.name)) {
      await loadOnnx(new Uint8Array(await file.arrayBuffer()), file.name.replace(/\.onnx$/i, ''));
      return;
    }
    if (!/\.json$/i.test(file.name)) throw new Error(`${file.name}: open a Convas project (.convas.json) or an ONNX model (.onnx)`);
    const name = file.name.replace(/\.convas\.json$/i, '').replace(/\.json$/i, '');
    await loadText(await fileText(file), file.name, { name, path: null });
  } catch (e) {
    fail('Could not open', e);
  }
}

export async function openProject(): Promise<void> {
  if (!(await confirmDiscard())) return;
  try {
    const file = await platform.openProject();
    if (file?.onnx) await loadOnnx(file.onnx, file.name);
    else if (file) await loadText(file.content, file.path ?? `${file.name}.convas.json`, { name: file.name, path: file.path });
  } catch (e) {
    fail('Could not open', e);
  }
}

export async function openRecent(id: string): Promise<void> {
  if (!(await confirmDiscard())) return;
  try {
    const file = await platform.openRecent(id);
    if (file) await loadText(file.content, file.path ?? `${file.name}.convas.json`, { name: file.name, path: file.path });
  } catch (e) {
    fail('Could not open', e);
  }
}

async function writeProject(saveAs: boolean): Promise<boolean> {
  const { meta } = useEditor.getState();
  let text: string;
  try {
    text = currentText();
  } catch (e) {
    fail('Could not save', e);
    return false;
  }
  try {
    const where = await platform.saveProject({ name: meta.name, path: meta.path, content: text, saveAs });
    if (!where) return false;
    useEditor.getState().markSaved(where);
    await platform.clearRecovery();
    useUi.getState().notify('success', where.path ? `Saved ${where.path}` : `Saved ${where.name}.convas.json`);
    return true;
  } catch (e) {
    fail('Could not save', e);
    return false;
  }
}

export const save = () => writeProject(false);
export const saveAs = () => writeProject(true);

export async function exportGraph(): Promise<void> {
  const s = useEditor.getState();
  try {
    const json = JSON.parse(currentText()) as { graph: unknown };
    await platform.exportFile({
      suggestedName: `${s.meta.name}.graph.json`,
      content: `${JSON.stringify(json.graph, null, 2)}\n`,
      mime: 'application/json',
      filter: { name: 'Graph JSON', extensions: ['json'] },
    });
  } catch (e) {
    fail('Could not export', e);
  }
}

export async function exportSummary(): Promise<void> {
  const s = useEditor.getState();
  try {
    await platform.exportFile({
      suggestedName: `${s.meta.name}.summary.csv`,
      content: summaryCsv(currentReport()),
      mime: 'text/csv',
      filter: { name: 'CSV', extensions: ['csv'] },
    });
  } catch (e) {
    fail('Could not export', e);
  }
}

/** A preset opens as a new, unsaved project named after it (saving asks where). */
export async function openPreset(text: string, fileName: string, name: string): Promise<void> {
  if (!(await confirmDiscard())) return;
  const ok = await loadText(text, `preset ${fileName}`, { name, path: null });
  if (ok) useUi.getState().notify('info', `Opened preset “${name}”. Save it to keep your changes.`);
}
