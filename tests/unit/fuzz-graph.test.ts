/**
 * parseGraph + inferShapes on random and mutated graphs: parseGraph either returns a graph or
 * throws a GraphError; inferShapes never throws, never reports an "internal error" (a layer's
 * shape rule tripping over a value it did not expect), and a graph it calls ok has a real shape,
 * parameter count and FLOPs for every node.
 */
import { describe, expect, it } from 'vitest';
import { GraphError } from '../../src/engine/graph/errors';
import type { Graph } from '../../src/engine/graph/types';
import { parseGraph } from '../../src/engine/graph/validate';
import { getLayer, LAYERS } from '../../src/engine/layers/index';
import type { ParamDef } from '../../src/engine/layers/params';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { tensorSlots } from '../../src/engine/train/weights';
import { Rng } from '../../src/engine/util/rng';
import { AWKWARD, mutate, pick, timedLoop } from './fuzz-mutate';

const small = (rng: Rng) => pick(rng, [1, 1, 2, 3, 4, 5, 8, 16]);

/** A plausible value for a parameter, wrong now and then. */
function paramValue(rng: Rng, def: ParamDef): unknown {
  if (rng.random() < 0.08) return pick(rng, AWKWARD);
  switch (def.kind) {
    case 'int':
      return pick(rng, [small(rng), small(rng), 0, -1, 1]);
    case 'float':
      return pick(rng, [0, 0.1, 0.5, 0.99, 1, 1e-5, 2, -0.1]);
    case 'bool':
      return rng.random() < 0.5;
    case 'pair':
      return rng.random() < 0.3 ? small(rng) : [small(rng), small(rng)];
    case 'padding':
      return pick(rng, ['valid', 'same', [0, 0], [1, 1], [2, 0], 1]);
    case 'shape':
      return rng.random() < 0.3 ? [small(rng) * 4] : [pick(rng, [1, 3]), small(rng) * 4, small(rng) * 4];
    case 'enum':
      return pick(rng, [...(def.options ?? []), 'nope']);
  }
}

/** A random graph: mostly a DAG built front to back, sometimes with back edges and gaps. */
function randomGraph(rng: Rng): unknown {
  const n = rng.int(9);
  const nodes = Array.from({ length: n }, (_, i) => {
    const spec = i === 0 && rng.random() < 0.9 ? getLayer('Input')! : pick(rng, LAYERS);
    const type = rng.random() < 0.03 ? pick(rng, ['Conv3D', '', 7, null]) : spec.type;
    const params: Record<string, unknown> = {};
    for (const def of spec.params) if (rng.random() < 0.85 || !('default' in def)) params[def.name] = paramValue(rng, def);
    const id = rng.random() < 0.03 ? pick(rng, ['1x', 'a b', '', 'n0', '__proto__']) : `n${i}`;
    return { id, type, params };
  });
  const edges: unknown[] = [];
  for (let i = 1; i < n; i++) {
    const inputs = 1 + (rng.random() < 0.25 ? rng.int(3) : 0);
    for (let p = 0; p < inputs; p++) {
      const from = rng.random() < 0.05 ? rng.int(n) : rng.int(i);
      edges.push({ from: `n${from}`, to: `n${i}`, port: rng.random() < 0.05 ? pick(rng, [-1, 1.5, 'x', p + 2]) : p });
    }
  }
  return { nodes, edges };
}

const MNIST_CNN: Graph = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 28, 28] } },
    { id: 'conv1', type: 'Conv2D', params: { filters: 8, kernelSize: [5, 5] } },
    { id: 'relu1', type: 'ReLU', params: {} },
    { id: 'pool1', type: 'MaxPool2D', params: { poolSize: [2, 2] } },
    { id: 'conv2', type: 'Conv2D', params: { filters: 16, kernelSize: [5, 5], padding: [1, 1] } },
    { id: 'bn', type: 'BatchNorm', params: {} },
    { id: 'flat', type: 'Flatten', params: {} },
    { id: 'fc', type: 'Dense', params: { units: 10 } },
    { id: 'out', type: 'Softmax', params: {} },
  ],
  edges: [
    { from: 'input', to: 'conv1', port: 0 },
    { from: 'conv1', to: 'relu1', port: 0 },
    { from: 'relu1', to: 'pool1', port: 0 },
    { from: 'pool1', to: 'conv2', port: 0 },
    { from: 'conv2', to: 'bn', port: 0 },
    { from: 'bn', to: 'flat', port: 0 },
    { from: 'flat', to: 'fc', port: 0 },
    { from: 'fc', to: 'out', port: 0 },
  ],
};

interface Tally {
  parseErrors: number;
  ok: number;
  withErrors: number;
}

/** The properties every outcome must have; throws (failing the test) with the case when not. */
function check(raw: unknown, tally: Tally, label: string): void {
  let graph: Graph;
  try {
    graph = parseGraph(raw);
  } catch (e) {
    if (!(e instanceof GraphError)) throw new Error(`${label}: parseGraph threw ${String(e)} for ${JSON.stringify(raw)}`);
    tally.parseErrors++;
    return;
  }
  const r = inferShapes(graph);
  const where = `${label}: ${JSON.stringify(raw)}`;
  expect(r.ok, where).toBe(r.errors.length === 0);
  const ids = new Set(graph.nodes.map((x) => x.id));
  for (const e of r.errors) {
    expect(typeof e.message, where).toBe('string');
    expect(e.message, where).not.toMatch(/internal error/);
    if (e.node !== null) expect(ids.has(e.node), `${where}: error names unknown node ${e.node}`).toBe(true);
  }
  for (const n of r.nodes) {
    if (n.error) {
      expect(n.error, where).toBeInstanceOf(GraphError);
      expect(n.error.node, where).toBe(n.id);
    }
  }
  if (!r.ok) {
    tally.withErrors++;
    return;
  }
  tally.ok++;
  expect(r.nodes.length, where).toBe(graph.nodes.length);
  for (const n of r.nodes) {
    expect(n.outputShape!.every((d) => Number.isInteger(d) && d > 0), `${where}: ${n.id} shape ${n.outputShape}`).toBe(true);
    expect(Number.isFinite(n.flops) && n.flops >= 0, `${where}: ${n.id} flops ${n.flops}`).toBe(true);
  }
  const slots = tensorSlots(r);
  expect(slots.filter((s) => s.trainable).reduce((a, s) => a + s.size, 0), where).toBe(r.totals.params);
}

describe('fuzz: parseGraph + inferShapes', () => {
  it('random graphs (3,000, seeded)', () => {
    const rng = new Rng(20_250);
    const tally: Tally = { parseErrors: 0, ok: 0, withErrors: 0 };
    const { slowestMs, slowestAt } = timedLoop(3000, (i) => check(randomGraph(rng), tally, `random #${i}`));
    // Every outcome must actually occur, or the generator is not exploring.
    expect(tally.ok).toBeGreaterThan(100);
    expect(tally.withErrors).toBeGreaterThan(100);
    expect(tally.parseErrors).toBeGreaterThan(10);
    // a hang fails by the test timeout; the slowest case is reported, never judged (no timing thresholds in tests)
    console.log(`slowest case #${slowestAt}: ${slowestMs.toFixed(0)} ms`);
  });

  it('mutations of the MNIST CNN (3,000, seeded)', () => {
    const rng = new Rng(7);
    check(MNIST_CNN, { parseErrors: 0, ok: 0, withErrors: 0 }, 'unmutated');
    const tally: Tally = { parseErrors: 0, ok: 0, withErrors: 0 };
    const { slowestMs, slowestAt } = timedLoop(3000, (i) => check(mutate(MNIST_CNN, rng), tally, `mutation #${i}`));
    expect(tally.ok).toBeGreaterThan(50);
    expect(tally.withErrors).toBeGreaterThan(100);
    // a hang fails by the test timeout; the slowest case is reported, never judged (no timing thresholds in tests)
    console.log(`slowest case #${slowestAt}: ${slowestMs.toFixed(0)} ms`);
  });
});

describe('regressions found by this fuzzer', () => {
  it('a port of 1e9 is refused by parseGraph (analyzeGraph used to build a 1e9-slot array and run out of memory)', () => {
    const raw = { nodes: MNIST_CNN.nodes, edges: [{ from: 'input', to: 'conv1', port: 1e9 }] };
    expect(() => parseGraph(raw)).toThrow(GraphError);
    expect(() => parseGraph(raw)).toThrow('edge input → conv1: port must be a whole number from 0 to 255, got 1000000000');
  });

  it('an Input of 2^53 values is an error, not an ok graph with inexact counts', () => {
    const r = inferShapes({ nodes: [{ id: 'input', type: 'Input', params: { shape: [2 ** 53, 28, 28] } }], edges: [] });
    expect(r.ok).toBe(false);
    expect(r.errors[0].message).toMatch(/^input: output shape 9007199254740992×28×28 has 7\.06e\+18 values per sample, more than a tensor can hold/);
  });
});
