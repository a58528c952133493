/**
 * Training on the desktop: main runs each run's worker as an Electron utilityProcess and relays
 * its events (one IPC event channel, tagged with the run id); commands go back by run id.
 * Data folders come from native dialogs and are opened by main; runs and checkpoints live
 * under the app's userData folder.
 */
import { errorEvent } from '../../engine/worker/protocol';
import type { TrainingBridge, TrainingMessage } from '../../preload/contract';
import { ChannelRunHandle, type RunSink } from './training-client';
import { describeBuiltin } from './training-data';
import type { TrainingPlatform } from './training';
import { cleanIpcError } from './types';

async function ipc<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw cleanIpcError(e);
  }
}

export function electronTraining(api: TrainingBridge): TrainingPlatform {
  const sinks = new Map<string, RunSink>();
  let unsubscribe: (() => void) | null = null;
  const route = (m: TrainingMessage) => {
    const sink = sinks.get(m.runId);
    if (!sink) return;
    if ('exit' in m) {
      sinks.delete(m.runId);
      sink.exit(m.exit);
    } else sink.message(m.event);
  };
  return {
    chooseData: (format) => ipc(api.chooseData(format)),
    describeData: (choice, inputShape) =>
      // installed Fashion-MNIST is on the file system: main looks for it
      choice.kind === 'builtin' && choice.ref.kind !== 'fashion-mnist' ? describeBuiltin(choice, inputShape) : ipc(api.describeData(choice, inputShape ? [...inputShape] : null)),
    start: async (req) => {
      unsubscribe ??= api.onMessage(route);
      const handle = new ChannelRunHandle(req.runId);
      const sink = handle.attach({
        send: (cmd) => {
          const { v: _v, ...c } = cmd as { v: number; type: string };
          void api.command(req.runId, c as Parameters<TrainingBridge['command']>[1]).catch((e) => sink.message(errorEvent(cleanIpcError(e).message, 'command')));
        },
        close: () => void api.close(req.runId).catch(() => undefined),
      });
      sinks.set(req.runId, sink);
      try {
        await ipc(api.start(req));
      } catch (e) {
        sinks.delete(req.runId);
        throw e;
      }
      return handle;
    },
    listRuns: () => ipc(api.listRuns()),
    saveRun: (record) => ipc(api.saveRun(record)),
    deleteRun: (id) => ipc(api.deleteRun(id)),
    hasCheckpoint: (id) => ipc(api.hasCheckpoint(id)),
    systemData: true,
    openWeights: () => ipc(api.openWeights()),
  };
}
