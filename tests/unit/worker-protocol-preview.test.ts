/** The start command's `preview` flag: optional, a boolean, checked like every other field; and the Electron IPC contract carries it. */
import { describe, expect, it } from 'vitest';
import { StartRequestSchema } from '../../src/main/training-schemas';
import { parseCommand, ProtocolError } from '../../src/engine/worker/protocol';

const start = {
  v: 1,
  type: 'start',
  graph: { nodes: [], edges: [] },
  data: { kind: 'shapes' },
  hyper: { epochs: 1, batchSize: 1, optimizer: { name: 'sgd', lr: 0.01 }, backend: 'webasm', seed: 1 },
};

describe('start.preview', () => {
  it('is optional: absent means training, and true/false pass through', () => {
    const plain = parseCommand(start);
    expect(plain.type === 'start' && plain.preview).toBe(undefined);
    for (const preview of [true, false]) {
      const c = parseCommand({ ...start, preview });
      expect(c.type === 'start' && c.preview).toBe(preview);
    }
  });

  it('refuses anything but a boolean, naming the field', () => {
    expect(() => parseCommand({ ...start, preview: 'yes' })).toThrow(ProtocolError);
    expect(() => parseCommand({ ...start, preview: 1 })).toThrow(/invalid command "start": preview: Invalid input: expected boolean, received number/);
    expect(() => parseCommand({ ...start, preview: null })).toThrow(/preview: /);
    // the version still gates it
    expect(() => parseCommand({ ...start, v: 2, preview: true })).toThrow(/protocol version 2; this side speaks version 1/);
  });

  it('crosses Electron IPC as a boolean too', () => {
    const req = { runId: 'canvas-preview-a', graph: {}, data: { kind: 'builtin', ref: { kind: 'shapes' } }, hyper: start.hyper };
    expect(StartRequestSchema.parse({ ...req, preview: true }).preview).toBe(true);
    expect(StartRequestSchema.safeParse({ ...req, preview: 'true' }).success).toBe(false);
  });
});
