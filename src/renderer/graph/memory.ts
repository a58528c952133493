/**
 * The status bar's training-memory figure: the engine's estimate (train/memory-estimate.ts — the
 * same one the training worker refuses a run by and `convas validate` prints) at the status bar's
 * batch size and the document's optimizer, judged against this device's memory as the browser
 * reports it (navigator.deviceMemory, else 4 GiB). The worker judges again with its own limit.
 */
import type { OptimizerName } from '../../engine/io/settings';
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import { browserMemoryLimit, estimateTrainingMemory, judgeMemory, type MemoryVerdict } from '../../engine/train/memory-estimate';

/** Whether the graph can train at all: it ends in an output layer (Softmax or Regression). */
export function canTrain(report: ShapeReport): boolean {
  return report.nodes.some((n) => n.spec?.output);
}

/**
 * The verdict for a graph that can train; null while it has errors (its shapes are not all known)
 * or has no output layer (nothing to train: previews need no training memory).
 */
export function statusMemory(report: ShapeReport, batch: number, optimizer: OptimizerName, nav: { deviceMemory?: number } | undefined = (globalThis as { navigator?: { deviceMemory?: number } }).navigator): MemoryVerdict | null {
  if (!report.ok || !canTrain(report)) return null;
  return judgeMemory(estimateTrainingMemory(report, { batch, optimizer }), browserMemoryLimit(nav));
}
