/**
 * The project loader on random and mutated files: it returns a project or throws a FormatError
 * with a message (never a TypeError from a value it did not expect), a project it accepts has
 * a graph inferShapes can read, and what it accepts it can write back and read again.
 */
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/engine/io/errors';
import { parseProject, projectToJson, type Project } from '../../src/engine/io/project';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { Rng } from '../../src/engine/util/rng';
import { AWKWARD, mutate, pick, timedLoop } from './fuzz-mutate';

const FULL = {
  format: 'convas-project',
  version: 1,
  generatedBy: 'Convas 0.1.0',
  name: 'Fuzz',
  description: 'a small CNN',
  graph: {
    nodes: [
      { id: 'input', type: 'Input', params: { shape: [1, 8, 8] } },
      { id: 'conv1', type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3], padding: 'same' } },
      { id: 'pool', type: 'MaxPool2D', params: { poolSize: 2 } },
      { id: 'flat', type: 'Flatten', params: {} },
      { id: 'fc', type: 'Dense', params: { units: 3 } },
      { id: 'out', type: 'Softmax', params: {} },
    ],
    edges: [
      { from: 'input', to: 'conv1', port: 0 },
      { from: 'conv1', to: 'pool', port: 0 },
      { from: 'pool', to: 'flat', port: 0 },
      { from: 'flat', to: 'fc', port: 0 },
      { from: 'fc', to: 'out', port: 0 },
    ],
  },
  layout: { input: { x: 0, y: 0 }, conv1: { x: 0, y: 150 }, fc: { x: 0, y: 300 } },
  training: {
    epochs: 2,
    batchSize: 8,
    optimizer: { name: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    weightDecay: 0.0001,
    initializer: 'xavier',
    seed: 3,
    dataset: { source: 'builtin', name: 'shapes', normalize: 'unit' },
    validationSplit: 0.2,
    shuffle: true,
    augmentation: { randomCrop: 1, flipHorizontal: true },
    backend: 'cpu',
  },
  weights: { format: 'convas-weights', version: 1, tensors: { 'fc.bias': { shape: [3], data: [0.1, 0, -0.1] } } },
};

/** A random JSON-ish value, a few levels deep. */
function randomValue(rng: Rng, depth = 0): unknown {
  const r = rng.random();
  if (depth > 3 || r < 0.5) return pick(rng, AWKWARD);
  if (r < 0.75) return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
  const keys = ['format', 'version', 'graph', 'nodes', 'edges', 'training', 'layout', 'weights', 'id', 'type', 'params', 'x'];
  return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [pick(rng, keys), randomValue(rng, depth + 1)]));
}

function check(raw: unknown, label: string, tally: { ok: number; refused: number }): void {
  let project: Project;
  try {
    project = parseProject(raw);
  } catch (e) {
    if (!(e instanceof FormatError)) throw new Error(`${label}: threw ${String(e)} for ${JSON.stringify(raw)}`);
    expect(e.message.length, label).toBeGreaterThan(5);
    tally.refused++;
    return;
  }
  tally.ok++;
  // Accepted: the graph is readable by the shape checker, and the project saves and reopens.
  expect(() => inferShapes(project.graph), label).not.toThrow();
  const again = parseProject(
    JSON.parse(JSON.stringify(projectToJson({ name: project.name, description: project.description, graph: project.graph, layout: project.layout, training: project.training }))),
  );
  // Compared as JSON: a file cannot tell -0 from 0, nor keep an undefined param.
  const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));
  expect(again.training, label).toEqual(asJson(project.training));
  expect(again.layout, label).toEqual(asJson(project.layout));
  expect(again.graph, label).toEqual(asJson(project.graph));
}

describe('fuzz: project loader', () => {
  it('accepts the unmutated file', () => {
    expect(parseProject(FULL).training.optimizer.name).toBe('adam');
  });

  it('mutated project files (3,000, seeded)', () => {
    const rng = new Rng(99);
    const tally = { ok: 0, refused: 0 };
    const { slowestMs, slowestAt } = timedLoop(3000, (i) => check(mutate(FULL, rng), `mutation #${i}`, tally));
    expect(tally.ok).toBeGreaterThan(200);
    expect(tally.refused).toBeGreaterThan(1000);
    // a hang fails by the test timeout; the slowest case is reported, never judged (no timing thresholds in tests)
    console.log(`slowest case #${slowestAt}: ${slowestMs.toFixed(0)} ms`);
  });

  it('random values and objects (2,000, seeded)', () => {
    const rng = new Rng(5);
    const tally = { ok: 0, refused: 0 };
    timedLoop(2000, (i) => {
      const v = randomValue(rng);
      // Half the time give it a valid header, so the loader gets past the first check.
      const raw = rng.random() < 0.5 && typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, format: 'convas-project', version: 1 } : v;
      check(raw, `random #${i}`, tally);
    });
    expect(tally.refused).toBe(2000);
  });
});
