/**
 * The preload contract: one function per channel, each invoking exactly its channel; events
 * strip Electron's event object and can be unsubscribed; `window.convas` is all that is exposed.
 */
import { describe, expect, it, vi } from 'vitest';

const bridge = vi.hoisted(() => ({ exposed: new Map<string, unknown>(), ipc: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() } }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => bridge.exposed.set(key, api) },
  ipcRenderer: bridge.ipc,
}));

import { buildApi, type IpcTransport } from '../../src/preload/api';
import { Channels, Events, type ConvasApi } from '../../src/preload/contract';

function fakeTransport() {
  const listeners = new Map<string, Set<(e: unknown, ...a: unknown[]) => void>>();
  const t: IpcTransport & { emit(channel: string, ...args: unknown[]): void } = {
    invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ channel, args })),
    on: (c, l) => listeners.set(c, (listeners.get(c) ?? new Set()).add(l)),
    removeListener: (c, l) => listeners.get(c)?.delete(l),
    emit: (c, ...args) => listeners.get(c)?.forEach((l) => l({ sender: 'secret' }, ...args)),
  };
  return t;
}

const calls: Record<keyof typeof Channels, (api: ConvasApi) => Promise<unknown>> = {
  openProject: (a) => a.openProject(),
  openRecent: (a) => a.openRecent('/p.convas.json'),
  saveProject: (a) => a.saveProject({ suggestedName: 'n.convas.json', content: '{}' }),
  exportFile: (a) => a.exportFile({ suggestedName: 'g.json', content: '{}', filter: { name: 'JSON', extensions: ['json'] } }),
  listRecent: (a) => a.listRecent(),
  writeRecovery: (a) => a.writeRecovery({ content: '{}', path: null, name: 'n', savedAt: 1 }),
  readRecovery: (a) => a.readRecovery(),
  clearRecovery: (a) => a.clearRecovery(),
  setDocumentState: (a) => a.setDocumentState({ name: 'n', path: null, dirty: false }),
  approveClose: (a) => a.approveClose(),
  nativeEdit: (a) => a.nativeEdit('copy'),
};

describe('buildApi', () => {
  it('maps each invoke channel to exactly one function, passing its payload through', async () => {
    const t = fakeTransport();
    const api = buildApi(t);
    const used = new Set<string>();
    for (const [key, call] of Object.entries(calls)) {
      const r = (await call(api)) as { channel: string; args: unknown[] };
      expect(r.channel).toBe(Channels[key as keyof typeof Channels]);
      used.add(r.channel);
    }
    expect([...used].sort()).toEqual(Object.values(Channels).sort());
    expect(t.invoke).toHaveBeenCalledWith(Channels.openRecent, '/p.convas.json');
    // Nothing generic leaks: no send/invoke/on of its own.
    expect(Object.keys(api).sort()).toEqual([...Object.keys(calls), 'onCloseRequested', 'onMenuCommand', 'onOpenRecentRequested', 'training'].sort());
  });

  it('delivers known menu commands without the event object, and unsubscribes', () => {
    const t = fakeTransport();
    const api = buildApi(t);
    const got: unknown[][] = [];
    const off = api.onMenuCommand((...args) => got.push(args));
    t.emit(Events.menuCommand, 'save');
    t.emit(Events.menuCommand, 'rm -rf');
    t.emit(Events.menuCommand, 'exportModel');
    t.emit(Events.menuCommand, 'exportModelNow');
    expect(got).toEqual([['save'], ['exportModel']]);
    off();
    t.emit(Events.menuCommand, 'undo');
    expect(got).toHaveLength(2);
  });

  it('passes recent paths and close requests through', () => {
    const t = fakeTransport();
    const api = buildApi(t);
    const paths: string[] = [];
    let closes = 0;
    api.onOpenRecentRequested((p) => paths.push(p));
    api.onCloseRequested(() => closes++);
    t.emit(Events.openRecentRequested, '/a.convas.json');
    t.emit(Events.openRecentRequested, 42);
    t.emit(Events.closeRequested);
    expect(paths).toEqual(['/a.convas.json']);
    expect(closes).toBe(1);
  });
});

describe('preload entry', () => {
  it('exposes only window.convas', async () => {
    await import('../../src/preload/index');
    expect([...bridge.exposed.keys()]).toEqual(['convas']);
    const api = bridge.exposed.get('convas') as ConvasApi;
    await api.listRecent();
    expect(bridge.ipc.invoke).toHaveBeenCalledWith(Channels.listRecent);
  });
});
