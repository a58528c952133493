/** The questions the visuals ask the live run, each kept fresh by useRunAnswer. */
import type { Evaluation, LayerOutputs, WeightTensors } from '../../platform/training';
import { requests } from '../../training/store';
import { useRunAnswer, type Answer } from './useRunAnswer';

/** Every layer's output for one validation sample. */
export function useSampleOutputs(sample: number | null): Answer<LayerOutputs> {
  return useRunAnswer(sample === null ? null : `infer:${sample}`, () => requests.infer(sample!), 300);
}

/** Validation metrics; a full pass over the split, so asked at most every 1.5 s while training. */
export function useEvaluation(enabled: boolean): Answer<Evaluation> {
  return useRunAnswer(enabled ? 'evaluate' : null, () => requests.evaluate(), 1500);
}

export function useWeights(enabled: boolean): Answer<WeightTensors> {
  return useRunAnswer(enabled ? 'weights' : null, () => requests.getWeights(), 300);
}
