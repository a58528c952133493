/** `window.convas.training`: one function per training channel (see training-contract.ts). */
import { TrainingChannels as C, TrainingEvents, type TrainingBridge, type TrainingMessage } from './training-contract';

type Call = <T>(channel: string, ...args: unknown[]) => Promise<T>;
type Subscribe = (channel: string, handler: (...args: unknown[]) => void) => () => void;

function isMessage(m: unknown): m is TrainingMessage {
  return typeof m === 'object' && m !== null && typeof (m as { runId?: unknown }).runId === 'string' && ('event' in m || 'exit' in m);
}

export function buildTrainingApi(call: Call, subscribe: Subscribe): TrainingBridge {
  return {
    chooseData: (format) => call(C.chooseData, format),
    describeData: (choice, inputShape) => call(C.describeData, choice, inputShape),
    start: (req) => call(C.start, req),
    command: (runId, cmd) => call(C.command, runId, cmd),
    close: (runId) => call(C.close, runId),
    listRuns: () => call(C.listRuns),
    saveRun: (record) => call(C.saveRun, record),
    deleteRun: (id) => call(C.deleteRun, id),
    hasCheckpoint: (id) => call(C.hasCheckpoint, id),
    openWeights: () => call(C.openWeights),
    onMessage: (listener) =>
      subscribe(TrainingEvents.message, (m) => {
        if (isMessage(m)) listener(m);
      }),
  };
}
