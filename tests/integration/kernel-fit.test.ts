/**
 * The seed's kernel-fitting experiment (17.3.7): from a random 3×3 kernel, plain gradient
 * descent on ½·mean((z−y)²) with w ← w − 0.5·dW/m recovers the horizontal-edge kernel from an
 * 80×80 image and its filtered target, stopping when the loss < 1e-7 (the seed: 3,460 steps).
 * Our Regression loss is mean((z−y)²), so the seed's update is SGD with lr 0.25 and its stopping
 * rule is loss/2 < 1e-7.
 */
import { describe, expect, it } from 'vitest';
import { HORIZONTAL_EDGE_KERNEL, kernelFitDataset } from '../../src/engine/data/kernel-fit';
import type { Graph } from '../../src/engine/graph/types';
import { compileTrainStep } from '../../src/engine/train/network';
import { Rng } from '../../src/engine/util/rng';
import { deviceFor } from '../helpers/backends';

const graph: Graph = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 80, 80] } },
    { id: 'conv', type: 'Conv2D', params: { filters: 1, kernelSize: [3, 3], useBias: false } },
    { id: 'out', type: 'Regression', params: {} },
  ],
  edges: [
    { from: 'input', to: 'conv', port: 0 },
    { from: 'conv', to: 'out', port: 0 },
  ],
};

describe('kernel fitting (seed 17.3.7)', () => {
  it('learns the horizontal-edge kernel from a random start to loss < 1e-7', async () => {
    const data = kernelFitDataset();
    const { x, y } = await data.train.read(0, 1);
    const device = await deviceFor('webasm');
    const step = compileTrainStep(graph, device, { batch: 1, optimizer: { name: 'sgd', lr: 0.25 } });
    const rng = new Rng(17);
    let weights = { 'conv.weight': Float32Array.from({ length: 9 }, () => rng.normal()) };
    const start = performance.now();
    let iterations = 0;
    let seedLoss = Infinity;
    for (; iterations < 10_000; iterations++) {
      const out = await step.run({ x, targets: y, weights, optimizerState: {}, step: iterations + 1 });
      seedLoss = out.loss / 2; // the loss *before* this step's update, as the seed prints it
      if (seedLoss < 1e-7) break;
      weights = out.weights as typeof weights;
    }
    const seconds = (performance.now() - start) / 1000;
    console.log(`kernel fit: ${iterations} iterations, ${seconds.toFixed(2)} s on ${step.backend}, final ½·MSE ${seedLoss.toExponential(3)}, kernel [${Array.from(weights['conv.weight'], (v) => v.toFixed(4)).join(', ')}]`);
    step.destroy();
    expect(seedLoss).toBeLessThan(1e-7);
    weights['conv.weight'].forEach((v, i) => expect(Math.abs(v - HORIZONTAL_EDGE_KERNEL[i])).toBeLessThan(1e-2));
  });
});
