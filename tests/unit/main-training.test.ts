/**
 * Training in Electron main, with Electron mocked: each run's worker is spawned as a
 * utilityProcess from the built worker entry, its start command carries a checkpoint path main
 * chose, every worker message is relayed to the window tagged with the run id, commands are
 * validated and forwarded, an unexpected exit is reported with the last checkpoint, data
 * folders must come from a dialog (and stop being usable when revoked), data previews are
 * made in a separate process (the real preview worker, forked), and runs are kept under userData.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class FakeChild extends EventEmitter {
  posted: unknown[] = [];
  killed = false;
  stdout = new EventEmitter();
  stderr = new EventEmitter();
  postMessage(m: unknown) {
    this.posted.push(m);
  }
  kill() {
    this.killed = true;
    queueMicrotask(() => this.emit('exit', 0));
    return true;
  }
}

const electron = vi.hoisted(() => ({
  children: [] as unknown[],
  fork: null as unknown as ReturnType<typeof vi.fn>,
  dialog: { showOpenDialog: vi.fn() },
  window: { id: 3 },
}));
vi.mock('electron', () => {
  electron.fork = vi.fn(() => {
    const c = new FakeChild();
    electron.children.push(c);
    return c;
  });
  return { utilityProcess: { fork: electron.fork }, dialog: electron.dialog, BrowserWindow: { fromWebContents: () => electron.window } };
});

import { PROTOCOL_VERSION } from '../../src/engine/worker/protocol';
import { TrainingChannels, TrainingEvents, type RunRecord, type TrainingMessage } from '../../src/preload/contract';
import { TrainingProcesses } from '../../src/main/training';
import { createTrainingHandlers, registerTrainingHandlers, type TrainingDeps } from '../../src/main/training-ipc';
import { DataGrants } from '../../src/main/data-grants';
import { DataPreviews, type ForkPreview } from '../../src/main/preview';
import { RunStore } from '../../src/main/training-runs';

const APP_URL = 'app://convas/index.html';
const ENTRY = '/opt/convas/out/main/training-worker.js';
const PREVIEW_ENTRY = resolve(import.meta.dirname, '../../src/main/preview-worker.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Stands in for utilityProcess.fork: the real preview worker in a real child process. */
const forkPreview: ForkPreview = (entry) => {
  const c = fork(entry, [], { execArgv: ['--import', TSX], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    postMessage: (m: unknown) => void c.send(m as never),
    on: (name: 'message' | 'exit', listener: (x: unknown) => void) => (name === 'message' ? c.on('message', listener) : c.on('exit', (code) => listener(code ?? -1))),
    kill: () => c.kill(),
  } as ReturnType<ForkPreview>;
};
const GRAPH = { nodes: [{ id: 'input', type: 'Input', params: { shape: [1, 28, 28] } }], edges: [] };
const HYPER = { epochs: 1, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 }, backend: 'webasm' };

function fakeSender() {
  const ee = new EventEmitter();
  const sent: TrainingMessage[] = [];
  let destroyed = false;
  return {
    sent,
    send: vi.fn((channel: string, m: TrainingMessage) => {
      expect(channel).toBe(TrainingEvents.message);
      sent.push(m);
    }),
    isDestroyed: () => destroyed,
    once: (e: string, l: () => void) => ee.once(e, l),
    removeListener: (e: string, l: () => void) => ee.removeListener(e, l),
    listeners: () => ee.listenerCount('destroyed'),
    destroy() {
      destroyed = true;
      ee.emit('destroyed');
    },
  };
}

let dir: string;
let deps: TrainingDeps;
let handlers: ReturnType<typeof createTrainingHandlers>;
let sender: ReturnType<typeof fakeSender>;
const ev = () => ({ sender, senderFrame: { url: APP_URL } }) as never;
const child = (i = 0) => electron.children[i] as FakeChild;
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convas-training-main-'));
  vi.clearAllMocks();
  electron.children.length = 0;
  deps = {
    runs: new RunStore(join(dir, 'user', 'runs')),
    grants: new DataGrants(join(dir, 'user', 'data-grants.json')),
    processes: new TrainingProcesses(ENTRY, () => undefined),
    previews: new DataPreviews(PREVIEW_ENTRY, forkPreview),
    appUrl: () => APP_URL,
  };
  handlers = createTrainingHandlers(deps);
  sender = fakeSender();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const start = (req: Record<string, unknown>) => handlers[TrainingChannels.start](ev(), { runId: 'run-a1', graph: GRAPH, data: { kind: 'builtin', ref: { kind: 'shapes', samples: 64 } }, hyper: HYPER, ...req });

describe('training workers in Electron main', () => {
  it('spawns the worker entry as a utility process and sends it a start command with a checkpoint path main chose', async () => {
    await start({});
    expect(electron.fork).toHaveBeenCalledTimes(1);
    const [entry, args, opts] = electron.fork.mock.calls[0];
    expect(entry).toBe(ENTRY);
    expect(args).toEqual([]);
    expect(opts).toMatchObject({ serviceName: 'Convas training run-a1' });
    const cmd = child().posted[0] as { v: number; type: string; data: unknown; hyper: { checkpointPath: string; epochs: number; initializer: string }; checkpoint?: string };
    expect(cmd.v).toBe(PROTOCOL_VERSION);
    expect(cmd.type).toBe('start');
    expect(cmd.data).toEqual({ kind: 'shapes', samples: 64 });
    expect(cmd.hyper.checkpointPath).toBe(join(dir, 'user', 'runs', 'run-a1', 'checkpoint.ckpt'));
    // the protocol's defaults are filled in by main's validation
    expect(cmd.hyper.initializer).toBe('msra');
    expect(cmd.checkpoint).toBeUndefined();
    expect(readdirSync(join(dir, 'user', 'runs'))).toEqual(['run-a1']);
  });

  it('relays every worker message to the window, tagged with the run id, and reports an unexpected exit with the last checkpoint', async () => {
    await start({});
    const step = { v: 1, type: 'step', epoch: 1, step: 1, stepsPerEpoch: 8, globalStep: 1, loss: 1.5, accuracy: 0.25, samplesPerSec: 100, weights: new Float32Array([1, 2]) };
    child().emit('message', step);
    child().emit('message', { v: 1, type: 'checkpoint', path: '/data/run-a1/checkpoint.ckpt', epoch: 1, step: 4, globalStep: 4, reason: 'interval' });
    child().emit('exit', 9);
    expect(sender.sent[0]).toEqual({ runId: 'run-a1', event: step });
    // typed arrays pass through untouched (structured clone carries them)
    expect((sender.sent[0] as { event: { weights: Float32Array } }).event.weights).toBeInstanceOf(Float32Array);
    expect(sender.sent[2]).toEqual({
      runId: 'run-a1',
      exit: { expected: false, message: 'the training worker ended unexpectedly (exit code 9); the last checkpoint is /data/run-a1/checkpoint.ckpt' },
    });
    await expect(handlers[TrainingChannels.command](ev(), 'run-a1', { type: 'pause' })).rejects.toThrow('run run-a1 has no training worker');
  });

  it('forwards checked commands with the protocol version, and refuses malformed ones naming the channel', async () => {
    await start({});
    await handlers[TrainingChannels.command](ev(), 'run-a1', { type: 'pause' });
    await handlers[TrainingChannels.command](ev(), 'run-a1', { type: 'infer', requestId: 4, sample: 2 });
    expect(child().posted.slice(1)).toEqual([
      { v: PROTOCOL_VERSION, type: 'pause' },
      { v: PROTOCOL_VERSION, type: 'infer', requestId: 4, sample: 2 },
    ]);
    await expect(handlers[TrainingChannels.command](ev(), 'run-a1', { type: 'start', graph: {} })).rejects.toThrow(/^training:command: type: /);
    await expect(handlers[TrainingChannels.command](ev(), 'run-a1', { type: 'stop' })).rejects.toThrow('training:command: checkpoint: ');
    await expect(handlers[TrainingChannels.command](ev(), '../etc', { type: 'pause' })).rejects.toThrow('training:command: payload: must be letters, digits and dashes');
    await expect(start({ hyper: { ...HYPER, checkpointPath: '/etc/passwd' } })).rejects.toThrow(/training:start: hyper: Unrecognized key/);
  });

  it('closing a run kills its process and reports an expected exit; a closed window ends its runs', async () => {
    await start({});
    await handlers[TrainingChannels.close](ev(), 'run-a1');
    expect(child().killed).toBe(true);
    await tick();
    expect(sender.sent.at(-1)).toEqual({ runId: 'run-a1', exit: { expected: true, message: 'the training worker was closed' } });

    // an ended worker no longer listens for the window's end
    expect(sender.listeners()).toBe(0);
    await start({ runId: 'run-b2' });
    expect(sender.listeners()).toBe(1);
    sender.destroy();
    expect(child(1).killed).toBe(true);
  });

  it('starting a run again replaces its worker', async () => {
    await start({});
    await start({});
    expect(child(0).killed).toBe(true);
    expect(electron.fork).toHaveBeenCalledTimes(2);
    await tick();
    // the old worker's exit is an expected one, and no longer owns the run
    await handlers[TrainingChannels.command](ev(), 'run-a1', { type: 'resume' });
    expect(child(1).posted.at(-1)).toEqual({ v: PROTOCOL_VERSION, type: 'resume' });
  });

  it('resumes only from a checkpoint main keeps, passing its path', async () => {
    await expect(start({ resume: true })).rejects.toThrow(/run run-a1 has no checkpoint to resume from/);
    expect(electron.fork).not.toHaveBeenCalled();
    writeFileSync(deps.runs.checkpointPath('run-a1'), 'CNVSCKPT');
    await expect(handlers[TrainingChannels.hasCheckpoint](ev(), 'run-a1')).resolves.toBe(true);
    await start({ resume: true });
    expect((child().posted[0] as { checkpoint: string }).checkpoint).toBe(deps.runs.checkpointPath('run-a1'));
  });

  it('opens data folders only after a dialog handed them out, remembered across restarts', async () => {
    const folder = join(dir, 'mnist');
    mkdirSync(folder);
    const files = { kind: 'files', format: 'idx', label: 'mnist', token: folder };
    await expect(start({ data: files })).rejects.toThrow(`training:start: ${folder} was not chosen in a dialog`);
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [folder] });
    await expect(handlers[TrainingChannels.chooseData](ev(), 'idx')).resolves.toEqual({ kind: 'files', format: 'idx', label: folder, token: folder });
    expect(electron.dialog.showOpenDialog.mock.calls[0][1]).toMatchObject({ properties: ['openDirectory'] });
    await start({ data: files });
    expect((child().posted[0] as { data: unknown }).data).toEqual({ kind: 'folder', path: folder, format: 'idx' });
    // a new main process (after a restart) still knows the folder of that run, and only it
    const restarted = new DataGrants(join(dir, 'user', 'data-grants.json'));
    expect(await restarted.has(folder, 99)).toBe(true);
    expect(await restarted.has(join(dir, 'other'), 99)).toBe(false);
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    await expect(handlers[TrainingChannels.chooseData](ev(), null)).resolves.toBeNull();
  });

  it('revokes a folder grant when the window picks another folder, when it closes, and when its run is deleted', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    mkdirSync(first);
    mkdirSync(second);
    const files = (token: string) => ({ kind: 'files', format: 'idx', label: token, token });
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [first] });
    await handlers[TrainingChannels.chooseData](ev(), 'idx');
    expect(await deps.grants.has(first, electron.window.id)).toBe(true);
    // another window cannot use this window's pick
    expect(await deps.grants.has(first, electron.window.id + 1)).toBe(false);
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [second] });
    await handlers[TrainingChannels.chooseData](ev(), 'idx');
    // the new pick replaced the old one
    await expect(start({ data: files(first) })).rejects.toThrow(`training:start: ${first} was not chosen in a dialog`);
    await start({ runId: 'run-s2', data: files(second) });
    // the window closes: its pick goes; the started run keeps its folder (to resume)
    sender.destroy();
    expect(await deps.grants.has(second, electron.window.id)).toBe(true);
    await handlers[TrainingChannels.deleteRun](ev(), 'run-s2');
    expect(await deps.grants.has(second, electron.window.id)).toBe(false);
    await expect(handlers[TrainingChannels.describeData](ev(), files(second), null)).rejects.toThrow(/was not chosen in a dialog/);
    expect(await new DataGrants(join(dir, 'user', 'data-grants.json')).has(second, 1)).toBe(false);
  });

  it('a window pick that was never used for a run goes with the window', async () => {
    const folder = join(dir, 'pick');
    mkdirSync(folder);
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [folder] });
    await handlers[TrainingChannels.chooseData](ev(), null);
    expect(await deps.grants.has(folder, electron.window.id)).toBe(true);
    sender.destroy();
    expect(await deps.grants.has(folder, electron.window.id)).toBe(false);
  });

  it('describes a granted data folder in a separate process, naming what is wrong with it', async () => {
    const folder = join(dir, 'cifar');
    mkdirSync(folder);
    deps.grants.pick(electron.window.id, folder);
    await expect(handlers[TrainingChannels.describeData](ev(), { kind: 'files', format: 'cifar10', label: 'cifar', token: folder }, [3, 32, 32])).rejects.toThrow(/no cifar-10-batches-bin\/data_batch_1\.bin here/);
    const preview = (await handlers[TrainingChannels.describeData](ev(), { kind: 'builtin', ref: { kind: 'shapes', samples: 30, testSamples: 6 } }, [1, 16, 16])) as {
      trainCount: number;
      inputShape: number[];
      samples: { x: Float32Array }[];
    };
    expect(preview.trainCount).toBe(30);
    expect(preview.inputShape).toEqual([1, 16, 16]);
    expect(preview.samples).toHaveLength(12);
    expect(preview.samples[0].x).toHaveLength(256);
  });

  it('keeps runs under userData: save, list newest first, delete with its checkpoint; bad ids are refused', async () => {
    const record = (id: string, createdAt: number) => ({ id, name: `run ${id}`, createdAt, updatedAt: createdAt, status: 'completed', curves: { step: { globalStep: [1], at: [0.5], loss: [2], accuracy: [0.5] }, epoch: [] } }) as unknown as RunRecord;
    await handlers[TrainingChannels.saveRun](ev(), record('run-old', 1));
    await handlers[TrainingChannels.saveRun](ev(), record('run-new', 2));
    writeFileSync(deps.runs.checkpointPath('run-old'), 'x');
    const listed = (await handlers[TrainingChannels.listRuns](ev())) as RunRecord[];
    expect(listed.map((r) => r.id)).toEqual(['run-new', 'run-old']);
    expect(listed[0].curves.step.loss).toEqual([2]);
    await handlers[TrainingChannels.deleteRun](ev(), 'run-old');
    expect(readdirSync(join(dir, 'user', 'runs'))).toEqual(['run-new']);
    await expect(handlers[TrainingChannels.saveRun](ev(), { ...record('run-x', 3), id: '../../outside' })).rejects.toThrow('training:save-run: id: must be letters, digits and dashes');
    await expect(handlers[TrainingChannels.deleteRun](ev(), '..')).rejects.toThrow('training:delete-run');
    // a damaged run file does not hide the others
    writeFileSync(join(dir, 'user', 'runs', 'run-new', 'run.json'), '{ not json');
    await handlers[TrainingChannels.saveRun](ev(), record('run-ok', 5));
    expect(((await handlers[TrainingChannels.listRuns](ev())) as RunRecord[]).map((r) => r.id)).toEqual(['run-ok']);
  });

  it('registers every training channel and refuses requests from other pages', async () => {
    const registered = new Map<string, (e: unknown, ...a: unknown[]) => Promise<unknown>>();
    registerTrainingHandlers({ handle: (c, l) => registered.set(c, l as never) }, deps);
    expect([...registered.keys()].sort()).toEqual(Object.values(TrainingChannels).sort());
    await expect(registered.get(TrainingChannels.listRuns)!({ sender, senderFrame: { url: 'https://evil.example/' } })).rejects.toThrow('training:list-runs: refused a request from https://evil.example/');
    await expect(registered.get(TrainingChannels.listRuns)!({ sender, senderFrame: { url: APP_URL } })).resolves.toEqual([]);
  });
});
