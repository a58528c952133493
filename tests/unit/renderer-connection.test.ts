/**
 * The canvas's connection check: the engine's verdict on the graph with the wire added. Refused
 * wires carry the engine's message; wires into a layer still being wired are allowed.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/engine/graph/types';
import { checkConnection, withEdge } from '../../src/renderer/graph/connection';

const conv = (filters: number) => ({ filters, kernelSize: [3, 3], padding: 'same' });

function residual(): Graph {
  return {
    nodes: [
      { id: 'input', type: 'Input', params: { shape: [3, 8, 8] } },
      { id: 'a', type: 'Conv2D', params: conv(4) },
      { id: 'b', type: 'Conv2D', params: conv(6) },
      { id: 'c', type: 'Conv2D', params: conv(4) },
      { id: 'add', type: 'Add', params: {} },
      { id: 'flat', type: 'Flatten', params: {} },
      { id: 'dense', type: 'Dense', params: {} },
      { id: 'out', type: 'Softmax', params: {} },
    ],
    edges: [
      { from: 'input', to: 'a', port: 0 },
      { from: 'input', to: 'b', port: 0 },
      { from: 'input', to: 'c', port: 0 },
      { from: 'a', to: 'add', port: 0 },
    ],
  };
}

describe('checkConnection', () => {
  it('refuses mismatched shapes into an Add with the engine’s message', () => {
    const v = checkConnection(residual(), { from: 'b', to: 'add', port: 1 });
    expect(v).toEqual({ ok: false, reason: expect.stringMatching(/^add: .*4×8×8 vs 6×8×8/) });
  });

  it('accepts matching shapes', () => {
    expect(checkConnection(residual(), { from: 'c', to: 'add', port: 1 })).toEqual({ ok: true });
  });

  it('allows the first wire into a merge (too few inputs is not the wire’s fault)', () => {
    const g = residual();
    g.edges = g.edges.filter((e) => e.to !== 'add');
    expect(checkConnection(g, { from: 'a', to: 'add', port: 1 })).toEqual({ ok: true });
  });

  it('refuses a wire that closes a cycle', () => {
    const g = residual();
    g.edges.push({ from: 'add', to: 'flat', port: 0 });
    const v = checkConnection(g, { from: 'flat', to: 'a', port: 0 });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/cycle/);
  });

  it('refuses an image into a Dense, with the engine’s advice', () => {
    const g = residual();
    g.nodes.push({ id: 'fc', type: 'Dense', params: { units: 10 } });
    const v = checkConnection(g, { from: 'a', to: 'fc', port: 0 });
    expect(v).toEqual({ ok: false, reason: expect.stringMatching(/^fc: .*4×8×8.*Flatten/) });
    expect(checkConnection(g, { from: 'a', to: 'flat', port: 0 })).toEqual({ ok: true });
  });

  it('does not blame the wire for a layer whose required parameters are missing', () => {
    // Dense has no `units` yet: its own problem, shown on the node, not a refused connection.
    const g = residual();
    g.edges.push({ from: 'a', to: 'flat', port: 0 });
    expect(checkConnection(g, { from: 'flat', to: 'dense', port: 0 })).toEqual({ ok: true });
  });

  it('refuses anything after an output layer', () => {
    const g = residual();
    g.nodes.push({ id: 'relu', type: 'ReLU', params: {} });
    g.edges.push({ from: 'a', to: 'flat', port: 0 }, { from: 'flat', to: 'out', port: 0 });
    const v = checkConnection(g, { from: 'out', to: 'relu', port: 0 });
    expect(v).toEqual({ ok: false, reason: expect.stringContaining('output layer') });
  });

  it('replaces the wire already on that port', () => {
    const g = withEdge(residual(), { from: 'c', to: 'add', port: 0 });
    expect(g.edges.filter((e) => e.to === 'add')).toEqual([{ from: 'c', to: 'add', port: 0 }]);
  });
});
