/** The protocol's schemas on their own: what is accepted, what is refused and how it is said. */
import { describe, expect, it } from 'vitest';
import { parseCommand, parseEvent, ProtocolError } from '../../src/engine/worker/protocol';
import { startSmall } from './worker-helpers';

describe('worker protocol', () => {
  it('fills hyperparameter defaults the way a project file does', () => {
    const c = parseCommand(startSmall());
    if (c.type !== 'start') throw new Error('expected start');
    expect(c.hyper).toMatchObject({ weightDecay: 0, initializer: 'msra', validationSplit: 0.1, shuffle: true, normalize: 'unit', augmentation: { randomCrop: 0, flipHorizontal: false }, checkpointPath: null, stopAtLoss: null });
  });

  it('refuses a wrong version, an unknown type, and bad fields, naming the field', () => {
    expect(() => parseCommand({ v: 2, type: 'pause' })).toThrow(ProtocolError);
    expect(() => parseCommand({ type: 'pause' })).toThrow(/protocol version undefined; this side speaks version 1/);
    expect(() => parseCommand({ v: 1, type: 'explode' })).toThrow(/invalid command "explode"/);
    expect(() => parseCommand({ ...startSmall(), hyper: { ...startSmall().hyper, batchSize: 0 } })).toThrow(/hyper\.batchSize: Too small/);
    expect(() => parseCommand({ ...startSmall(), weights: { 'fc.weight': [1, 2, 3] } })).toThrow(/weights\.fc\.weight: must be a Float32Array/);
    expect(() => parseCommand({ ...startSmall(), data: { kind: 'folder' } })).toThrow(/data\.path/);
    expect(() => parseCommand({ v: 1, type: 'infer', requestId: -1 })).toThrow(/requestId/);
  });

  it('checks events too: a step with a non-finite loss is not a step event', () => {
    const step = { v: 1, type: 'step', epoch: 1, step: 1, stepsPerEpoch: 2, globalStep: 1, loss: 0.5, accuracy: null, samplesPerSec: 10 };
    expect(parseEvent(step)).toEqual(step);
    expect(() => parseEvent({ ...step, loss: NaN })).toThrow(/invalid event "step": loss: Invalid input: expected number, received NaN/);
    expect(() => parseEvent({ ...step, extra: true })).toThrow(/Unrecognized key: "extra"/);
  });
});
