/**
 * The weights loader and the graph check on random and mutated files: reading either returns
 * tensors of finite float32s whose length fits their shape, or throws a FormatError; matching
 * against the graph either returns exactly the tensors the graph needs or throws a FormatError.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { FormatError } from '../../src/engine/io/errors';
import { matchWeights, parseWeightsFile, weightsToJson, type WeightsFile } from '../../src/engine/io/weights';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { initWeights, tensorSlots } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { clone, mutate, pick, timedLoop } from './fuzz-mutate';
import { convBnDense } from '../helpers/small-graphs';

const graph: Graph = convBnDense({ side: 6, filters: 2, kernel: 3, units: 2 });
const report = inferShapes(graph);
const slots = tensorSlots(report);
const VALID = JSON.parse(JSON.stringify(weightsToJson(report, initWeights(report, 'msra', 1), { graph, metrics: { loss: 0.3, epochs: [1, 2] } })));

type TensorJson = { shape: number[]; data: number[] };

/**
 * A mutation that keeps the file readable but breaks its fit to the graph: a tensor dropped,
 * renamed, reshaped (data resized to match) or added — what a file from another graph looks like.
 */
function misfit(rng: Rng): unknown {
  const f = clone(VALID) as { tensors: Record<string, TensorJson> };
  const keys = Object.keys(f.tensors);
  const key = pick(rng, keys);
  const op = rng.int(4);
  if (op === 0) {
    delete f.tensors[key];
  } else if (op === 1) {
    const t = f.tensors[key];
    delete f.tensors[key];
    f.tensors[pick(rng, ['conv2.weight', 'fc.weight', 'bn.running_mean', `${key}_old`, 'conv1.kernel'])] = t;
  } else if (op === 2) {
    const shape = f.tensors[key].shape.map((d) => (rng.random() < 0.5 ? d : Math.max(1, d + pick(rng, [-1, 1, 2]))));
    if (rng.random() < 0.3) shape.push(1);
    f.tensors[key] = { shape, data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()) };
  } else {
    f.tensors[pick(rng, ['extra.weight', 'input.bias', 'flat.weight'])] = { shape: [2], data: [1, 2] };
  }
  return f;
}

function check(raw: unknown, label: string, tally: { read: number; matched: number; refused: number }): void {
  let file: WeightsFile;
  try {
    file = parseWeightsFile(raw);
  } catch (e) {
    if (!(e instanceof FormatError)) throw new Error(`${label}: parseWeightsFile threw ${String(e)}`);
    tally.refused++;
    return;
  }
  tally.read++;
  for (const [key, t] of Object.entries(file.tensors)) {
    expect(t.data.length, `${label}: ${key}`).toBe(t.shape.reduce((a, b) => a * b, 1));
    expect(t.data.every(Number.isFinite), `${label}: ${key} holds a non-finite value`).toBe(true);
  }
  try {
    const w = matchWeights(report, file);
    expect(Object.keys(w).sort(), label).toEqual(slots.map((s) => s.key).sort());
    for (const s of slots) expect(w[s.key].length, `${label}: ${s.key}`).toBe(s.size);
    tally.matched++;
  } catch (e) {
    if (!(e instanceof FormatError)) throw new Error(`${label}: matchWeights threw ${String(e)}`);
    expect(e.problems.length, label).toBeGreaterThan(0);
  }
}

describe('fuzz: weights loader', () => {
  it('the unmutated file matches', () => {
    expect(Object.keys(matchWeights(report, parseWeightsFile(VALID)))).toHaveLength(slots.length);
  });

  it('mutated weights files (3,000, seeded)', () => {
    const rng = new Rng(31);
    const tally = { read: 0, matched: 0, refused: 0 };
    const { slowestMs, slowestAt } = timedLoop(3000, (i) => {
      const r = rng.random();
      const raw = r < 0.4 ? misfit(rng) : r < 0.5 ? mutate(misfit(rng), rng) : mutate(VALID, rng);
      check(raw, `mutation #${i}`, tally);
    });
    // Every outcome must occur often, or the mutations are not exploring.
    expect(tally.refused).toBeGreaterThan(500);
    expect(tally.matched).toBeGreaterThan(100);
    expect(tally.read - tally.matched).toBeGreaterThan(500);
    // a hang fails by the test timeout; the slowest case is reported, never judged (no timing thresholds in tests)
    console.log(`slowest case #${slowestAt}: ${slowestMs.toFixed(0)} ms`);
  });
});
