/**
 * The training-memory estimate: every part counted by hand on a tiny graph, the Dense
 * of 1,048,576 units refused with the numbers, the warning band, WebAssembly's 4 GiB, and the
 * limits each host reports.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { browserMemoryLimit, DEFAULT_BROWSER_MEMORY_BYTES, describeParts, estimateTrainingMemory, formatBytes, judgeMemory } from '../../src/engine/train/memory-estimate';
import { CHUNK_BATCH_BYTES, maxChunkSteps, stateBytes } from '../../src/engine/train/chunking';
import { tensorSlots } from '../../src/engine/shapes/tensor-slots';
import { stepKernelValues, usesGrid } from '../../src/engine/train/kernel-buffers';
import { parseProject } from '../../src/engine/io/project';
import { readFileSync } from 'node:fs';
import { nodeMemoryLimit } from '../../src/engine/train/memory-limit.node.js';
import { totalmem } from 'node:os';

function chain(...layers: [string, Record<string, unknown>][]): Graph {
  const nodes = layers.map(([type, params], i) => ({ id: `n${i}`, type, params }));
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id, port: 0 }));
  return { nodes, edges };
}

const GiB = 2 ** 30;

describe('estimateTrainingMemory', () => {
  it('counts each part as documented (tiny graph, by hand)', () => {
    const g = chain(['Input', { shape: [1, 4, 4] }], ['Flatten', {}], ['Dense', { units: 3 }], ['Softmax', {}]);
    const e = estimateTrainingMemory(inferShapes(g), { batch: 2, optimizer: 'sgd', stepsPerCall: 1 });
    // 51 parameters (16·3 + 3), six copies alive during a step (host in/out, plan in/out, transfers)
    expect(e.parameterCount).toBe(51);
    expect(e.parts.parameters).toBe(6 * 51 * 4);
    expect(e.parts.gradients).toBe(51 * 4);
    expect(e.parts.optimizer).toBe(0);
    // outputs 16 + 16 + 3 + 3 = 38 per sample; gradients only from Dense on (3 + 3)
    expect(e.parts.activations).toBe((2 * 38 + 6) * 2 * 4);
    // one input of 16 and one class index per sample, device + pipeline copies
    expect(e.parts.data).toBe((16 + 1) * 2 * 4 * 2);
    // and what any run takes besides its tensors (compiled kernels, threads): 48 MiB
    expect(e.parts.runtime).toBe(48 * 2 ** 20);
    expect(e.total).toBe(6 * 51 * 4 + 204 + 656 + 272 + 48 * 2 ** 20);
    const adam = estimateTrainingMemory(inferShapes(g), { batch: 2, optimizer: 'adam', stepsPerCall: 1 });
    expect(adam.parts.optimizer).toBe(6 * 2 * 51 * 4);
    // BatchNorm's running statistics are state: stored, no gradient, no optimizer slot
    const bn = estimateTrainingMemory(inferShapes(chain(['Input', { shape: [4] }], ['BatchNorm', {}], ['Regression', {}])), { batch: 1, optimizer: 'momentum', stepsPerCall: 1 });
    expect(bn.parameterCount).toBe(8);
    expect(bn.parts.parameters).toBe(6 * 16 * 4);
    expect(bn.parts.optimizer).toBe(6 * 8 * 4);
    expect(bn.parts.data).toBe((4 + 4) * 4 * 2); // a regression target is the output's size
  });

  it('counts the batches of as many steps as the trainer puts in one call (chunking.ts)', () => {
    const g = chain(['Input', { shape: [3, 32, 32] }], ['Flatten', {}], ['Dense', { units: 10 }], ['Softmax', {}]);
    const report = inferShapes(g);
    // a batch of 32 images and 32 class indices: 393,344 bytes; 128 MiB of batches is 341 of them
    const batchBytes = 32 * (3 * 32 * 32 + 1) * 4;
    const e = estimateTrainingMemory(report, { batch: 32, optimizer: 'sgd' });
    expect(e.stepsPerCall).toBe(256);
    expect(e.stepsPerCall).toBe(maxChunkSteps(batchBytes, stateBytes(tensorSlots(report), 'sgd')));
    expect(e.parts.data).toBe(batchBytes * 256 * 2);
    const one = estimateTrainingMemory(report, { batch: 32, optimizer: 'sgd', stepsPerCall: 1 });
    expect(e.total - one.total).toBe(batchBytes * 255 * 2);
    expect(e.deviceBytes - one.deviceBytes).toBe(batchBytes * 255);
    // bigger batches: fewer steps per call, the batches of one call stay within 128 MiB
    const big = estimateTrainingMemory(report, { batch: 1024, optimizer: 'sgd' });
    expect(big.stepsPerCall).toBe(8);
    expect(big.parts.data / 2).toBeLessThanOrEqual(CHUNK_BATCH_BYTES);
    expect(describeParts(big)).toMatch(/, data batches \(8 steps per call\) 192 MiB, runtime 48\.0 MiB$/);
  });

  it("counts what a step's kernels really write when they are traced (kernel-buffers.ts): working buffers too", () => {
    // the seed CIFAR-10 Keras net, batch 32, RMSprop, on webasm: measured peak growth 314–343 MiB
    // (compile + two calls); layer outputs and gradients alone gave 183 MiB
    const project = parseProject(JSON.parse(readFileSync(new URL('../../resources/presets/seed-cifar10-keras.convas.json', import.meta.url), 'utf8')));
    const report = inferShapes(project.graph);
    const kernels = stepKernelValues(report, 32, true);
    const traced = estimateTrainingMemory(report, { batch: 32, optimizer: 'rmsprop', stepsPerCall: 1, kernels });
    const shapes = estimateTrainingMemory(report, { batch: 32, optimizer: 'rmsprop', stepsPerCall: 1 });
    expect(traced.parts.activations).toBe((2 * kernels.forward + kernels.backward) * 4);
    expect(traced.total).toBeGreaterThan(343 * 2 ** 20);
    expect(shapes.total).toBeLessThan(343 * 2 ** 20);
    // every layer output is some kernel's output: the trace holds at least the shape report's
    let outputs = 0;
    for (const n of report.nodes) if (n.type !== 'Input') outputs += 32 * n.outputShape!.reduce((a, b) => a * b, 1);
    expect(kernels.forward).toBeGreaterThanOrEqual(outputs);
    // webasm's Winograd tiles are its own: off webasm the same step writes less
    const exact = stepKernelValues(report, 32, false);
    expect(exact.forward + exact.backward).toBeLessThan(kernels.forward + kernels.backward);
    expect(usesGrid('webasm') && usesGrid('auto') && !usesGrid('webgpu') && !usesGrid('cpu')).toBe(true);
  });

  it("refuses the issue's Dense of 1,048,576 units with the numbers and the limit", () => {
    const g = chain(['Input', { shape: [1, 28, 28] }], ['Flatten', {}], ['Dense', { units: 1_048_576 }], ['Dense', { units: 10 }], ['Softmax', {}]);
    const e = estimateTrainingMemory(inferShapes(g), { batch: 64, optimizer: 'momentum' });
    expect(e.parameterCount).toBe(784 * 1_048_576 + 1_048_576 + 1_048_576 * 10 + 10);
    expect(e.total).toBeGreaterThan(13 * 8.3e8 * 4); // parameters ×6, gradients, momentum ×6
    const v = judgeMemory(e, { bytes: 16 * GiB, source: "this machine's memory" });
    expect(v.verdict).toBe('too-big');
    expect(v.message).toBe(
      `training needs about ${formatBytes(e.total)} (parameters ${formatBytes(e.parts.parameters)}, gradients ${formatBytes(e.parts.gradients)}, momentum state ${formatBytes(e.parts.optimizer)}, activations at batch 64 ${formatBytes(e.parts.activations)}, data batches (256 steps per call) ${formatBytes(e.parts.data)}, runtime 48.0 MiB; 833,617,930 parameters), more than this machine's memory (16.0 GiB): use fewer units or filters, a smaller batch size, or an optimizer with fewer slots (sgd < momentum < adam)`,
    );
    expect(formatBytes(e.total)).toBe('41.3 GiB');
    // judged against what is free now when the host knows it
    const busy = judgeMemory(e, { bytes: 64 * GiB, source: "this machine's memory", available: 30 * GiB });
    expect(busy.verdict).toBe('too-big');
    expect(busy.message).toMatch(/; 833,617,930 parameters\), more than the 30\.0 GiB free now \(this machine's memory: 64\.0 GiB\): use fewer units .*, or close other programs$/);
    expect(judgeMemory(e, { bytes: 64 * GiB, source: 'm', available: 48 * GiB }).verdict).toBe('tight');
    expect(judgeMemory(e, { bytes: 64 * GiB, source: 'm', available: 60 * GiB }).verdict).toBe('fits');
  });

  it('warns from 80 % of the limit, and on webasm refuses a plan beyond WebAssembly memory', () => {
    const g = chain(['Input', { shape: [8] }], ['Dense', { units: 4 }], ['Regression', {}]);
    const e = estimateTrainingMemory(inferShapes(g), { batch: 4, optimizer: 'sgd' });
    expect(judgeMemory(e, { bytes: e.total * 2, source: 'x' }).verdict).toBe('fits');
    const tight = judgeMemory(e, { bytes: Math.ceil(e.total / 0.9), source: 'the memory assumed for a browser tab' });
    expect(tight.verdict).toBe('tight');
    expect(tight.message).toMatch(/: 90 % of the memory assumed for a browser tab \(/);
    const big = chain(['Input', { shape: [1, 32, 32] }], ['Flatten', {}], ['Dense', { units: 300_000 }], ['Softmax', {}]);
    const eb = estimateTrainingMemory(inferShapes(big), { batch: 8, optimizer: 'adam' });
    expect(eb.deviceBytes).toBeGreaterThan(4 * GiB);
    expect(judgeMemory(eb, { bytes: 64 * GiB, source: 'm' }).verdict).not.toBe('too-big');
    expect(judgeMemory(eb, { bytes: 64 * GiB, source: 'm' }, 'webasm').message).toMatch(/the webasm backend holds \d+\.\d GiB of it in one WebAssembly memory, which cannot pass 4\.0 GiB/);
  });

  it('host limits: Node reads the machine (or its container), a browser its deviceMemory or a documented default', () => {
    const n = nodeMemoryLimit();
    expect(n.bytes).toBeGreaterThan(0);
    expect(n.bytes).toBeLessThanOrEqual(totalmem());
    expect(n.available).toBeGreaterThan(0);
    expect(n.available).toBeLessThanOrEqual(n.bytes);
    expect(browserMemoryLimit({ deviceMemory: 8 })).toEqual({ bytes: 8 * GiB, source: "this device's memory as the browser reports it" });
    expect(browserMemoryLimit(undefined).bytes).toBe(DEFAULT_BROWSER_MEMORY_BYTES);
    expect(browserMemoryLimit({}).source).toBe('the memory assumed for a browser tab');
  });
});
