/**
 * IPC handlers for training (one per TrainingChannels entry): data dialogs and previews, start
 * and commands for a run's worker, stored runs, and reading a weights file. Every payload is
 * validated; data folders must have come from a dialog (see data-grants.ts); checkpoints go where
 * main says; data files are opened only in worker processes, never in main.
 */
import path from 'node:path';
import { BrowserWindow, dialog, type IpcMainInvokeEvent } from 'electron';
import type { DatasetRef } from '../engine/data/ref';
import { command } from '../engine/worker/protocol';
import { TrainingChannels, type DataChoice, type DataPreview, type RunRecord } from '../preload/contract';
import { readWeightsContent } from './files';
import { validate } from './schemas';
import { isAppUrl } from './security';
import type { TrainingProcesses } from './training';
import type { DataGrants } from './data-grants';
import type { DataPreviews } from './preview';
import type { RunStore } from './training-runs';
import { DataChoiceSchema, DataFormatArgSchema, InputShapeSchema, RunCommandSchema, RunIdSchema, RunRecordSchema, StartRequestSchema } from './training-schemas';

export interface TrainingDeps {
  runs: RunStore;
  grants: DataGrants;
  processes: TrainingProcesses;
  previews: Pick<DataPreviews, 'describe'>;
  appUrl: () => string;
}

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

const FORMAT_TITLES = { idx: 'MNIST / Fashion-MNIST folder (IDX files)', cifar10: 'CIFAR-10 folder (binary batches)', 'image-folder': 'Image folder (one sub-folder per class)' } as const;

function windowOf(event: IpcMainInvokeEvent): BrowserWindow {
  const win = BrowserWindow.fromWebContents(event.sender);
  if (!win) throw new Error('no window for this request');
  return win;
}

export function createTrainingHandlers(deps: TrainingDeps): Record<(typeof TrainingChannels)[keyof typeof TrainingChannels], Handler> {
  /** The data reference the worker opens, refusing folders no dialog handed out. */
  const dataRef = async (choice: DataChoice, channel: string, windowId: number): Promise<DatasetRef> => {
    if (choice.kind === 'builtin') return choice.ref;
    if (!(await deps.grants.has(choice.token, windowId))) throw new Error(`${channel}: ${choice.token} was not chosen in a dialog; choose the data folder again`);
    return { kind: 'folder', path: path.resolve(choice.token), ...(choice.format ? { format: choice.format } : {}) };
  };

  /** Windows whose closing already revokes their pick. */
  const watched = new Set<number>();

  return {
    [TrainingChannels.chooseData]: async (event, rawFormat) => {
      const format = validate(TrainingChannels.chooseData, DataFormatArgSchema, rawFormat);
      const r = await dialog.showOpenDialog(windowOf(event), { title: `Choose the data: ${format ? FORMAT_TITLES[format] : 'a data folder'}`, properties: ['openDirectory'] });
      if (r.canceled || r.filePaths.length === 0) return null;
      const folder = path.resolve(r.filePaths[0]);
      const win = windowOf(event);
      // replaces (revokes) this window's earlier pick; the window's end revokes this one
      deps.grants.pick(win.id, folder);
      if (!watched.has(win.id)) {
        watched.add(win.id);
        const id = win.id;
        event.sender.once('destroyed', () => {
          watched.delete(id);
          deps.grants.releaseWindow(id);
        });
      }
      return { kind: 'files', format, label: folder, token: folder } satisfies DataChoice;
    },

    [TrainingChannels.describeData]: async (event, rawChoice, rawShape): Promise<DataPreview> => {
      const choice = validate(TrainingChannels.describeData, DataChoiceSchema, rawChoice);
      const inputShape = validate(TrainingChannels.describeData, InputShapeSchema, rawShape);
      const ref = await dataRef(choice, TrainingChannels.describeData, windowOf(event).id);
      // decoded in a short-lived worker process: main never parses the user's data files
      return deps.previews.describe(ref, inputShape);
    },

    [TrainingChannels.start]: async (event, raw) => {
      const req = validate(TrainingChannels.start, StartRequestSchema, raw);
      const data = await dataRef(req.data, TrainingChannels.start, windowOf(event).id);
      // the run may resume from this folder after a restart, when the window's pick is gone
      if (data.kind === 'folder') await deps.grants.bindRun(req.runId, data.path);
      await deps.runs.prepare(req.runId);
      const checkpointPath = deps.runs.checkpointPath(req.runId);
      if (req.resume && !(await deps.runs.hasCheckpoint(req.runId))) throw new Error(`run ${req.runId} has no checkpoint to resume from (${checkpointPath})`);
      deps.processes.start(
        req.runId,
        command({
          type: 'start',
          graph: req.graph,
          data,
          hyper: { ...req.hyper, checkpointPath },
          ...(req.weights ? { weights: req.weights } : {}),
          ...(req.resume ? { checkpoint: checkpointPath } : {}),
          ...(req.preview ? { preview: true } : {}),
        }),
        event.sender,
      );
    },

    [TrainingChannels.command]: async (_event, rawId, rawCmd) => {
      const runId = validate(TrainingChannels.command, RunIdSchema, rawId);
      const cmd = validate(TrainingChannels.command, RunCommandSchema, rawCmd);
      deps.processes.send(runId, command(cmd));
    },

    [TrainingChannels.close]: async (_event, rawId) => {
      deps.processes.close(validate(TrainingChannels.close, RunIdSchema, rawId));
    },

    [TrainingChannels.listRuns]: async () => deps.runs.list(),

    [TrainingChannels.saveRun]: async (_event, raw) => {
      await deps.runs.save(validate(TrainingChannels.saveRun, RunRecordSchema, raw) as unknown as RunRecord);
    },

    [TrainingChannels.deleteRun]: async (_event, rawId) => {
      const id = validate(TrainingChannels.deleteRun, RunIdSchema, rawId);
      deps.processes.close(id);
      await deps.runs.delete(id);
      await deps.grants.releaseRun(id);
    },

    [TrainingChannels.hasCheckpoint]: async (_event, rawId) => deps.runs.hasCheckpoint(validate(TrainingChannels.hasCheckpoint, RunIdSchema, rawId)),

    [TrainingChannels.openWeights]: async (event) => {
      const r = await dialog.showOpenDialog(windowOf(event), { title: 'Import weights', filters: [{ name: 'Convas weights', extensions: ['json', 'safetensors'] }], properties: ['openFile'] });
      if (r.canceled || r.filePaths.length === 0) return null;
      return { name: path.basename(r.filePaths[0]), content: await readWeightsContent(r.filePaths[0]) };
    },
  };
}

/** Register on ipcMain, refusing calls from anything but the app's own page. */
export function registerTrainingHandlers(ipcMain: { handle(channel: string, listener: Handler): void }, deps: TrainingDeps): void {
  for (const [channel, handler] of Object.entries(createTrainingHandlers(deps))) {
    ipcMain.handle(channel, async (event, ...args) => {
      const url = event.senderFrame?.url ?? '';
      if (!isAppUrl(url, deps.appUrl())) throw new Error(`${channel}: refused a request from ${url || 'an unknown frame'}`);
      return handler(event, ...args);
    });
  }
}
