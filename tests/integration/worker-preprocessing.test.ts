/**
 * The app's predictions use the run's preprocessing record (issue 8): the worker announces the
 * record on `ready`, its evaluation and validation see inputs mapped by it, and a sample sent
 * from outside in the data's own units (`infer` with `x`) gets the same map — the same answer
 * as the validation sample it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPreprocessing } from '../../src/engine/data/preprocessing';
import { shapesDataset } from '../../src/engine/data/shapes';
import { WorkerClient } from '../../src/engine/worker/client.node.js';
import { startSmall } from './worker-helpers';

let client: WorkerClient;
beforeAll(() => {
  client = WorkerClient.fork();
});
afterAll(async () => {
  await client?.close();
});

describe('training worker: preprocessing', () => {
  it('reports the standardisation on ready, and infers a raw sample exactly as the validation sample', async () => {
    client.send(startSmall({ epochs: 1, normalize: 'standardize' }));
    const ready = await client.next('ready');
    const record = ready.dataset.preprocessing!;
    expect(record).toMatchObject({ layout: 'NCHW', inputShape: [1, 16, 16], normalize: 'standardize', inputUnits: 'pixel values in [0, 1]' });
    // what the outputs name, saved with the weights the app writes (Shapes' six default classes)
    expect(record.classes).toEqual(['circle', 'square', 'triangle', 'cross', 'ring', 'star']);
    expect(record.mean[0]).toBeGreaterThan(0);
    expect(record.std[0]).toBeGreaterThan(0);
    await client.next('finished');

    // validation sample 5 is test sample 5 of the same Shapes (startSmall: 48 test samples, seed 3)
    const d = shapesDataset({ size: 16, channels: 1, samples: 240, testSamples: 48, seed: 3 });
    const raw = (await d.test!.read(5, 1)).x;
    const byIndex = await client.request({ type: 'infer', sample: 5 });
    const fromRaw = await client.request({ type: 'infer', x: raw });
    // the Input node's output is what the network saw: the standardised sample, in both cases
    const expected = applyPreprocessing(record, { shape: [1, 1, 16, 16], data: raw }).data;
    expect(Array.from(byIndex.outputs.input.data)).toEqual(Array.from(expected));
    expect(Array.from(fromRaw.outputs.input.data)).toEqual(Array.from(expected));
    expect(Array.from(fromRaw.outputs.out.data)).toEqual(Array.from(byIndex.outputs.out.data));
  });
});
