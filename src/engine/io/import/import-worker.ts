/**
 * The app's ONNX import worker (a module web worker, browser build and Electron alike): one
 * `ImportJob` message in, one `ImportJobResult` out with the weights' buffers transferred. The
 * page's main thread stays free while the file is decoded, mapped and laid out (ResNet-18: seconds).
 * One job per worker (the page ends it after the answer): elkjs's bundle, loaded during the job,
 * takes over `self.onmessage` when it finds itself in a worker, so a second message would go to it.
 */
import { resultTransfers, runImportJob, type ImportJob } from './import-job';

/** The parts of DedicatedWorkerGlobalScope used here (the engine builds without DOM types). */
interface WorkerScope {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.addEventListener('message', (e) => {
  void runImportJob(e.data as ImportJob).then((result) => scope.postMessage(result, resultTransfers(result)));
});
