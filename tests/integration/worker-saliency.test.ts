/**
 * The worker's saliency request, through the real forked worker after a short run: Grad-CAM on
 * the last Conv2D and the input gradient for a validation sample, equal to the engine computing
 * them in this process from the same weights and the sample the worker says it used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../src/engine/backend/device';
import { compileSaliency } from '../../src/engine/train/saliency';
import { WorkerClient } from '../../src/engine/worker/client.node.js';
import { expectClose } from '../helpers/compare';
import { smallCnn, startSmall } from './worker-helpers';

let client: WorkerClient;
beforeAll(() => {
  client = WorkerClient.fork();
});
afterAll(async () => {
  await client?.close();
});

describe('saliency through the worker', () => {
  it('explains a validation sample with the run’s weights, for the predicted class or a chosen one', async () => {
    client.send(startSmall({ epochs: 1 }));
    const done = await client.next('finished');
    const s = await client.request({ type: 'saliency', sample: 3 });
    expect(s.layer).toBe('conv');
    expect(s.input.shape).toEqual([1, 16, 16]);
    expect(s.gradCam.shape).toEqual([14, 14]);
    expect(s.saliency.shape).toEqual([16, 16]);
    expect(s.classIndex).toBe(Array.from(s.scores).indexOf(Math.max(...s.scores)));
    expect(Number.isInteger(s.label)).toBe(true);

    // the same numbers from the engine here, on the worker's backend, from what the worker used
    const device = await createDevice('webasm');
    const plan = compileSaliency(smallCnn, device);
    try {
      const local = await plan.run(s.input.data, done.weights);
      expect(local.classIndex).toBe(s.classIndex);
      expectClose(s.gradCam.data, local.gradCam, 1e-6, 'Grad-CAM');
      expectClose(s.saliency.data, local.saliency, 1e-6, 'saliency');
      const other = (s.classIndex + 1) % s.scores.length;
      const chosen = await client.request({ type: 'saliency', sample: 3, classIndex: other });
      expect(chosen.classIndex).toBe(other);
      expectClose(chosen.gradCam.data, (await plan.run(s.input.data, done.weights, other)).gradCam, 1e-6, 'Grad-CAM of a chosen class');
    } finally {
      plan.destroy();
      device.destroy();
    }
    await expect(client.request({ type: 'saliency', sample: 999 })).rejects.toThrow(/no validation sample 999 \(the split has 48\)/);
  }, 120_000);
});
