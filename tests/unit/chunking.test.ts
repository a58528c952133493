import { describe, expect, it } from 'vitest';
import { CHUNK_TARGET_SECONDS, MAX_CHUNK_STEPS, chunkSteps, maxChunkSteps } from '../../src/engine/train/chunking';

describe('steps per plan call', () => {
  const base = { left: 1000, toCheckpoint: Infinity, max: MAX_CHUNK_STEPS, stepSeconds: 0.001, stopAtLoss: false };

  it('starts with one step, then fills the target time with a power of two', () => {
    expect(chunkSteps({ ...base, stepSeconds: null })).toBe(1);
    expect(chunkSteps({ ...base, stepSeconds: CHUNK_TARGET_SECONDS / 10 })).toBe(8);
    expect(chunkSteps({ ...base, stepSeconds: CHUNK_TARGET_SECONDS * 3 })).toBe(1);
    expect(chunkSteps({ ...base, stepSeconds: 0 })).toBe(MAX_CHUNK_STEPS);
  });

  it('never crosses the epoch end or a scheduled checkpoint, and is one step when a target loss is set', () => {
    expect(chunkSteps({ ...base, left: 13 })).toBe(8);
    expect(chunkSteps({ ...base, left: 1 })).toBe(1);
    expect(chunkSteps({ ...base, toCheckpoint: 5 })).toBe(4);
    expect(chunkSteps({ ...base, stopAtLoss: true })).toBe(1);
  });

  it('keeps the batches of one call within the memory budget', () => {
    expect(maxChunkSteps(32 * 3072 * 4 + 32 * 4)).toBe(256); // W2: 393 KB per batch
    expect(maxChunkSteps(8 * 3 * 224 * 224 * 4)).toBe(16); // VGG-16 at 224, batch 8: 4.8 MB
    expect(maxChunkSteps(1e9)).toBe(1);
    // VGG-16 with momentum: 1.1 GB of weights and slots, the batches may take as much
    expect(maxChunkSteps(8 * 3 * 224 * 224 * 4, 1_106_860_352)).toBe(128);
  });
});
