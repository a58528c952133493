/**
 * The platform the run store talks to, connected once at startup (TrainingEffects does it with
 * `platform.training`). Kept apart so the store loads without the DOM-bound platform module
 * (unit tests connect a fake one).
 */
import type { TrainingPlatform } from '../platform/training';

let current: TrainingPlatform | null = null;

export function connectTraining(p: TrainingPlatform): void {
  current = p;
}

export function trainingPlatform(): TrainingPlatform {
  if (!current) throw new Error('training is not connected to a platform: call connectTraining(platform.training) at startup');
  return current;
}
