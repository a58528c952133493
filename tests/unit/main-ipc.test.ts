/**
 * Main-process IPC handlers with Electron mocked: payload validation, the path grant rule (the
 * page can only write where a dialog or the recent list put it), atomic saves, recent files,
 * recovery, window state, and the sender check.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
  window: { id: 7, setTitle: vi.fn(), setDocumentEdited: vi.fn(), setRepresentedFilename: vi.fn(), close: vi.fn() },
}));
vi.mock('electron', () => ({
  dialog: electron.dialog,
  BrowserWindow: { fromWebContents: () => electron.window },
}));

import { Channels, type DocumentState } from '../../src/preload/contract';
import { DataGrants } from '../../src/main/data-grants';
import { DocumentRegistry } from '../../src/main/documents';
import { createHandlers, registerIpcHandlers, type IpcDeps } from '../../src/main/ipc';
import { RecentFiles } from '../../src/main/recent';
import { RecoveryFile } from '../../src/main/recovery';

const APP_URL = 'app://convas/index.html';
let dir: string;
let deps: IpcDeps;
let handlers: ReturnType<typeof createHandlers>;
const sender = { undo: vi.fn(), copy: vi.fn(), paste: vi.fn() };
const event = { sender, senderFrame: { url: APP_URL } } as never;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convas-ipc-'));
  vi.clearAllMocks();
  deps = {
    recent: new RecentFiles(join(dir, 'user', 'recent.json')),
    recovery: new RecoveryFile(join(dir, 'user', 'recovery.convas.json')),
    documents: new DocumentRegistry(),
    appUrl: () => APP_URL,
    onRecentChanged: vi.fn(),
    onDocumentReplaced: vi.fn(),
    onDocumentState: vi.fn(),
  };
  handlers = createHandlers(deps);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const project = (name: string) => JSON.stringify({ format: 'convas-project', version: 1, name, graph: { nodes: [], edges: [] } });

describe('saveProject', () => {
  it('asks for a path when the document has none, writes it, and remembers it', async () => {
    const target = join(dir, 'net');
    electron.dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: target });
    const r = await handlers[Channels.saveProject](event, { suggestedName: 'net.convas.json', content: project('a') });
    expect(r).toEqual({ path: `${target}.convas.json`, name: 'net' });
    expect(readFileSync(`${target}.convas.json`, 'utf8')).toBe(project('a'));
    expect((await deps.recent.list()).map((x) => x.path)).toEqual([`${target}.convas.json`]);
    expect(deps.onRecentChanged).toHaveBeenCalledTimes(1);
    // No temporary file is left beside it.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('saves again to a granted path without a dialog', async () => {
    const target = join(dir, 'net.convas.json');
    electron.dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: target });
    await handlers[Channels.saveProject](event, { suggestedName: 'net.convas.json', content: project('a') });
    electron.dialog.showSaveDialog.mockClear();
    await handlers[Channels.saveProject](event, { path: target, suggestedName: 'net.convas.json', content: project('b') });
    expect(electron.dialog.showSaveDialog).not.toHaveBeenCalled();
    expect(JSON.parse(readFileSync(target, 'utf8')).name).toBe('b');
  });

  it('never writes to a path the page names on its own: it asks instead', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    electron.dialog.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    const r = await handlers[Channels.saveProject](event, { path: victim, suggestedName: 'x.convas.json', content: 'evil' });
    expect(r).toBeNull();
    expect(electron.dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });

  it('refuses malformed payloads with the channel and field in the message', async () => {
    await expect(handlers[Channels.saveProject](event, { suggestedName: 'a/b', content: 'x' })).rejects.toThrow(/project:save: suggestedName: must be a file name/);
    await expect(handlers[Channels.saveProject](event, { suggestedName: 'a.json', content: 42 })).rejects.toThrow(/project:save: content/);
    await expect(handlers[Channels.saveProject](event, { suggestedName: 'a.json', content: '', extra: 1 })).rejects.toThrow(/project:save/);
  });
});

describe('exportFile', () => {
  it('writes text or bytes only where the dialog says, and nothing when it is cancelled', async () => {
    const csv = join(dir, 'summary.csv');
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: csv });
    await expect(handlers[Channels.exportFile](event, { suggestedName: 'summary.csv', content: 'a,b\n1,2\n', filter: { name: 'CSV', extensions: ['csv'] } })).resolves.toBe(csv);
    expect(readFileSync(csv, 'utf8')).toBe('a,b\n1,2\n');
    const onnx = join(dir, 'net.onnx');
    const bytes = new Uint8Array([8, 7, 0, 255, 128]);
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: onnx });
    await handlers[Channels.exportFile](event, { suggestedName: 'net.onnx', content: bytes, filter: { name: 'ONNX', extensions: ['onnx'] } });
    expect([...readFileSync(onnx)]).toEqual([...bytes]);
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    await expect(handlers[Channels.exportFile](event, { suggestedName: 'x.onnx', content: bytes, filter: { name: 'ONNX', extensions: ['onnx'] } })).resolves.toBeNull();
    // the page cannot name where: a path field is refused, and so is content that is neither text nor bytes
    await expect(handlers[Channels.exportFile](event, { suggestedName: 'x.csv', content: 'x', filter: { name: 'CSV', extensions: ['csv'] }, path: '/etc/passwd' })).rejects.toThrow(/file:export/);
    await expect(handlers[Channels.exportFile](event, { suggestedName: '../x.csv', content: 'x', filter: { name: 'CSV', extensions: ['csv'] } })).rejects.toThrow(/file:export: suggestedName: must be a file name/);
    await expect(handlers[Channels.exportFile](event, { suggestedName: 'x.bin', content: [1, 2], filter: { name: 'Bin', extensions: ['bin'] } })).rejects.toThrow(/file:export: content/);
  });
});

describe('openProject and openRecent', () => {
  it('reads the picked file and adds it to the recent list', async () => {
    const file = join(dir, 'lenet.convas.json');
    writeFileSync(file, project('lenet'));
    electron.dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: [file] });
    const r = await handlers[Channels.openProject](event);
    expect(r).toEqual({ path: file, name: 'lenet', content: project('lenet') });
    expect(await deps.recent.has(file)).toBe(true);
    // the window's old document is gone: what was granted for it is revoked
    expect(deps.onDocumentReplaced).toHaveBeenCalledWith(7);
  });

  it('reads a picked .onnx as bytes for the page to import, and neither remembers nor grants it', async () => {
    const file = join(dir, 'resnet.onnx');
    writeFileSync(file, new Uint8Array([8, 7, 18, 0, 255]));
    electron.dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: [file] });
    const r = (await handlers[Channels.openProject](event)) as { name: string; content: string; onnx: Uint8Array };
    expect({ name: r.name, content: r.content, onnx: [...r.onnx] }).toEqual({ name: 'resnet', content: '', onnx: [8, 7, 18, 0, 255] });
    expect(electron.dialog.showOpenDialog.mock.calls.at(-1)![1].filters[0]).toEqual({ name: 'Convas project or ONNX model', extensions: ['convas.json', 'json', 'onnx'] });
    expect(await deps.recent.has(file)).toBe(false);
    // a project saved from it goes through the save dialog, never over the .onnx
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    await expect(handlers[Channels.saveProject](event, { path: file, suggestedName: 'resnet.convas.json', content: '{}' })).resolves.toBeNull();
  });

  it('returns null when the dialog is cancelled', async () => {
    electron.dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] });
    await expect(handlers[Channels.openProject](event)).resolves.toBeNull();
    expect(deps.onDocumentReplaced).not.toHaveBeenCalled();
  });

  it('opens only files on the recent list, and drops ones that have gone', async () => {
    await expect(handlers[Channels.openRecent](event, join(dir, 'elsewhere.json'))).rejects.toThrow(/not in the recent projects list/);
    const file = join(dir, 'gone.convas.json');
    writeFileSync(file, project('gone'));
    await deps.recent.add(file);
    rmSync(file);
    await expect(handlers[Channels.openRecent](event, file)).rejects.toThrow(/cannot open .*gone\.convas\.json/);
    expect(await deps.recent.has(file)).toBe(false);
  });
});

describe('recovery, window state, text edits', () => {
  it('writes, reads and clears the recovery copy', async () => {
    const snap = { content: project('r'), path: null, name: 'Untitled', savedAt: 1700000000000 };
    await handlers[Channels.writeRecovery](event, snap);
    await expect(handlers[Channels.readRecovery](event)).resolves.toEqual(snap);
    await handlers[Channels.clearRecovery](event);
    await expect(handlers[Channels.readRecovery](event)).resolves.toBeNull();
    await expect(handlers[Channels.writeRecovery](event, { ...snap, savedAt: -1 })).rejects.toThrow(/recovery:write: savedAt/);
  });

  it('a recovery snapshot cannot grant a path: the page names a file, saving it still asks', async () => {
    // the attack: write a snapshot naming any file, read it back, save "to the document's path"
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    await handlers[Channels.writeRecovery](event, { content: 'evil', path: victim, name: 'x', savedAt: 1 });
    const snap = (await handlers[Channels.readRecovery](event)) as { path: string | null; content: string };
    // the work is kept, the path is not
    expect(snap).toMatchObject({ content: 'evil', path: null });
    electron.dialog.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    await expect(handlers[Channels.saveProject](event, { path: victim, suggestedName: 'x.convas.json', content: 'evil' })).resolves.toBeNull();
    expect(electron.dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    // the dialog does not even open at the page's path
    expect(electron.dialog.showSaveDialog.mock.calls[0][1].defaultPath).toBe('x.convas.json');
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });

  it('a recovery snapshot keeps the path of a file main handed out, and saving there needs no dialog', async () => {
    const file = join(dir, 'net.convas.json');
    electron.dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: file });
    await handlers[Channels.saveProject](event, { suggestedName: 'net.convas.json', content: project('a') });
    await handlers[Channels.writeRecovery](event, { content: project('b'), path: file, name: 'net', savedAt: 2 });
    // a new main process: only the recent list (kept by main) still vouches for the path
    const fresh = createHandlers(deps);
    expect(((await fresh[Channels.readRecovery](event)) as { path: string }).path).toBe(file);
    electron.dialog.showSaveDialog.mockClear();
    await fresh[Channels.saveProject](event, { path: file, suggestedName: 'net.convas.json', content: project('b') });
    expect(electron.dialog.showSaveDialog).not.toHaveBeenCalled();
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('b');
  });

  it('the document state cannot grant a path either', async () => {
    const victim = join(dir, 'victim2.txt');
    writeFileSync(victim, 'untouched');
    await handlers[Channels.setDocumentState](event, { name: 'x', path: victim, dirty: false });
    expect(electron.window.setRepresentedFilename).not.toHaveBeenCalled();
    electron.dialog.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    await handlers[Channels.saveProject](event, { path: victim, suggestedName: 'x.convas.json', content: 'evil' });
    expect(electron.dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });

  it('a damaged recovery file reads as none', async () => {
    const file = join(dir, 'user', 'recovery.convas.json');
    await deps.recovery.write({ content: 'x', path: null, name: 'n', savedAt: 1 });
    writeFileSync(file, '{ not json');
    await expect(deps.recovery.read()).resolves.toBeNull();
  });

  it('sets the title and the unsaved marker, and remembers the state for the close guard', async () => {
    await handlers[Channels.setDocumentState](event, { name: 'lenet', path: null, dirty: true });
    expect(electron.window.setTitle).toHaveBeenCalledWith('● lenet — Convas');
    expect(electron.window.setDocumentEdited).toHaveBeenCalledWith(true);
    expect(deps.documents.closeDecision(7)).toBe('ask');
    await handlers[Channels.approveClose](event);
    expect(deps.documents.closeDecision(7)).toBe('close');
    expect(electron.window.close).toHaveBeenCalled();
  });

  it('passes whether the run has trained weights on to the menu, and refuses a malformed flag', async () => {
    await handlers[Channels.setDocumentState](event, { name: 'lenet', path: null, dirty: false, modelExportable: true });
    expect(deps.onDocumentState).toHaveBeenCalledWith(7, { name: 'lenet', path: null, dirty: false, modelExportable: true });
    expect(deps.documents.get(7)?.modelExportable).toBe(true);
    await expect(handlers[Channels.setDocumentState](event, { name: 'lenet', path: null, dirty: false, modelExportable: 'yes' })).rejects.toThrow(/window:document-state/);
    expect(deps.onDocumentState).toHaveBeenCalledTimes(1);
  });

  it('a new document in the window (File → New, a dropped file, a preset) revokes its data-folder pick; edits and Save As do not', async () => {
    const grants = new DataGrants(join(dir, 'user', 'data-grants.json'));
    const data = join(dir, 'digits');
    handlers = createHandlers({ ...deps, onDocumentReplaced: (id) => grants.releaseWindow(id) });
    const state = (document: number, extra: Partial<DocumentState> = {}) => handlers[Channels.setDocumentState](event, { name: 'lenet', path: null, dirty: false, document, ...extra });
    await state(1);
    grants.pick(7, data);
    // editing, saving and Save As keep the document: the pick stays
    await state(1, { dirty: true });
    await state(1, { path: join(dir, 'lenet.convas.json') });
    await state(1, { name: 'lenet-2', path: join(dir, 'lenet-2.convas.json') });
    expect(await grants.has(data, 7)).toBe(true);
    // File → New: the page loads an empty document, its number moves on
    await state(2, { name: 'Untitled' });
    expect(await grants.has(data, 7)).toBe(false);
    // a pick made for the new document belongs to it, and goes with the next one
    grants.pick(7, data);
    await state(2, { dirty: true });
    expect(await grants.has(data, 7)).toBe(true);
    await state(3, { name: 'preset' });
    expect(await grants.has(data, 7)).toBe(false);
    await expect(handlers[Channels.setDocumentState](event, { name: 'x', path: null, dirty: false, document: -1 })).rejects.toThrow(/window:document-state: document/);
  });

  it('runs text edits on the sender and refuses unknown ones', async () => {
    await handlers[Channels.nativeEdit](event, 'copy');
    expect(sender.copy).toHaveBeenCalledTimes(1);
    await expect(handlers[Channels.nativeEdit](event, 'reload')).rejects.toThrow(/window:native-edit/);
  });
});

describe('registerIpcHandlers', () => {
  it('registers every channel and refuses senders that are not the app page', async () => {
    const registered = new Map<string, (e: unknown, ...a: unknown[]) => Promise<unknown>>();
    registerIpcHandlers({ handle: (c, h) => registered.set(c, h as never) }, deps);
    expect([...registered.keys()].sort()).toEqual(Object.values(Channels).sort());
    const list = registered.get(Channels.listRecent)!;
    await expect(list({ sender, senderFrame: { url: APP_URL } })).resolves.toEqual([]);
    await expect(list({ sender, senderFrame: { url: 'https://evil.example/' } })).rejects.toThrow(/refused a request from https:\/\/evil\.example/);
    await expect(list({ sender, senderFrame: null })).rejects.toThrow(/refused/);
  });
});
