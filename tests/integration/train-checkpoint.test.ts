/** The checkpoint file: exact round trip, and every kind of damage named. */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointState } from '../../src/engine/train/checkpoint';
import { Rng } from '../../src/engine/util/rng';

function state(): CheckpointState {
  const rng = new Rng(5);
  rng.normal(); // leaves a spare normal in the state
  return {
    epoch: 2,
    step: 7,
    globalStep: 37,
    rng: rng.getState(),
    accum: { lossSum: 1.2345678901234567, correct: 40, samples: 112, steps: 7, seconds: 0.5 },
    lastMetrics: { epoch: 2, trainLoss: 0.3, trainAccuracy: 0.9, valLoss: 0.4, valAccuracy: null },
    normalization: { mean: [0.5], std: [0.25] },
    run: { graph: { nodes: [], edges: [] }, data: { kind: 'shapes' }, hyper: { seed: 1, batchSize: 16 } },
    weights: { 'conv.weight': Float32Array.from([1.1, -0, NaN, 3e-45, -Infinity]), 'conv.bias': Float32Array.from([7]) },
    optimizerState: { 'conv.weight.momentum_buffer': Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5]) },
  };
}

describe('checkpoint file', () => {
  it('round-trips every bit: weights (even −0, NaN, denormals), optimizer slots, generator, sums', () => {
    const s = state();
    const back = decodeCheckpoint(encodeCheckpoint(s));
    expect(back).toEqual(s);
    expect(Object.is(back.weights['conv.weight'][1], -0)).toBe(true);
    const a = Rng.fromState(s.rng);
    const b = Rng.fromState(back.rng);
    expect([b.normal(), b.random()]).toEqual([a.normal(), a.random()]);
  });

  it('names the file and the damage: not a checkpoint, truncated, corrupted', () => {
    const bytes = encodeCheckpoint(state());
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"format":"convas-weights"}'), 'w.json')).toThrow(/w\.json: not a Convas checkpoint/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), 'run.ckpt')).toThrow(/run\.ckpt: truncated: 3 tensors need \d+ bytes, the file has \d+/);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 0x40;
    expect(() => decodeCheckpoint(flipped, 'run.ckpt')).toThrow(/run\.ckpt: corrupt: the checksum does not match/);
  });
});
