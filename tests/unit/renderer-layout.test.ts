/**
 * Auto-layout (the engine's core, src/engine/graph/layout.ts, and the canvas's side of it,
 * src/renderer/canvas/layout.ts) with the real elkjs: no two node cards overlap, a long chain
 * wraps into columns side by side, a branchy network keeps its branches, the file's port order
 * holds, every preset comes out near a screen's shape, and an imported ONNX model is laid out
 * exactly as the canvas's Auto layout lays out the same graph.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPresets } from '../../scripts/make-presets';
import { COLUMN_GAP, estimateNodeSize, layoutSized, type PortEdge, type Positions, type SizedNode } from '../../src/engine/graph/layout';
import { onnxToProject } from '../../src/engine/io/import/project';
import { layoutGraph, sizedNodes } from '../../src/renderer/canvas/layout';
import { ROOT } from '../integration/cli-run';

const box = (n: SizedNode, p: Positions) => ({ x0: p[n.id].x, y0: p[n.id].y, x1: p[n.id].x + n.width, y1: p[n.id].y + n.height });

function overlaps(nodes: SizedNode[], p: Positions): string[] {
  const out: string[] = [];
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) {
      const a = box(nodes[i], p);
      const b = box(nodes[j], p);
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) out.push(`${nodes[i].id} × ${nodes[j].id}`);
    }
  return out;
}

function extent(nodes: SizedNode[], p: Positions) {
  const bs = nodes.map((n) => box(n, p));
  return { width: Math.max(...bs.map((b) => b.x1)) - Math.min(...bs.map((b) => b.x0)), height: Math.max(...bs.map((b) => b.y1)) - Math.min(...bs.map((b) => b.y0)) };
}

function chain(n: number, height = 80): { nodes: SizedNode[]; edges: PortEdge[] } {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, width: 224, height }));
  const edges = nodes.slice(1).map((m, i) => ({ source: `n${i}`, target: m.id, port: 0 }));
  return { nodes, edges };
}

describe('auto-layout', () => {
  it('keeps a short chain in one column, top to bottom', async () => {
    const { nodes, edges } = chain(5);
    const p = await layoutSized(nodes, edges);
    const xs = new Set(nodes.map((n) => p[n.id].x));
    expect(xs.size).toBe(1);
    for (let i = 1; i < 5; i++) expect(p[`n${i}`].y).toBeGreaterThan(p[`n${i - 1}`].y + 80);
  });

  it('wraps a 41-node chain into columns read left to right, each top to bottom, with a gap for wires', async () => {
    const { nodes, edges } = chain(41);
    const p = await layoutSized(nodes, edges);
    expect(overlaps(nodes, p)).toEqual([]);
    const columns = [...new Set(nodes.map((n) => p[n.id].x))].sort((a, b) => a - b);
    expect(columns.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < columns.length; i++) expect(columns[i] - columns[i - 1]).toBeGreaterThanOrEqual(224 + COLUMN_GAP);
    // reading order: each next node is below its predecessor, or at the top of the next column
    for (let i = 1; i < 41; i++) {
      const a = p[`n${i - 1}`];
      const b = p[`n${i}`];
      expect(b.y > a.y || (b.x > a.x && b.y === 0), `n${i}`).toBe(true);
    }
    const { width, height } = extent(nodes, p);
    expect(width / height).toBeGreaterThan(0.8);
    expect(width / height).toBeLessThan(3.2);
  });

  it('gives a tall node the room it takes: neighbours start below its measured bottom', async () => {
    const { nodes, edges } = chain(4);
    nodes[1].height = 260; // an error line and a preview thumbnail
    const p = await layoutSized(nodes, edges);
    expect(p.n2.y).toBeGreaterThanOrEqual(p.n1.y + 260);
  });

  it('uses the size React Flow measured, else an estimate from what the card shows', async () => {
    const nodes = [
      { id: 'conv', data: { type: 'Conv2D' }, measured: { width: 224, height: 300 } },
      { id: 'relu', data: { type: 'ReLU' } },
      { id: 'fc', data: { type: 'Dense' } },
    ];
    const sized = sizedNodes(nodes);
    expect(sized[0].height).toBe(300);
    expect(sized[1].height).toBeLessThan(sized[2].height); // no parameter line on a ReLU card
    const p = await layoutGraph(nodes, [
      { source: 'conv', target: 'relu', targetHandle: 'in-0' },
      { source: 'relu', target: 'fc', targetHandle: 'in-0' },
    ]);
    expect(p.relu.y).toBeGreaterThanOrEqual(p.conv.y + 300);
  });

  it('keeps merge inputs left to right by port', async () => {
    const nodes = ['in', 'a', 'b', 'add'].map((id) => ({ id, width: 224, height: 80 }));
    const edges = [
      { source: 'in', target: 'a', port: 0 },
      { source: 'in', target: 'b', port: 0 },
      { source: 'b', target: 'add', port: 1 },
      { source: 'a', target: 'add', port: 0 },
    ];
    const p = await layoutSized(nodes, edges);
    expect(p.a.x).toBeLessThan(p.b.x);
    expect(p.a.y).toBe(p.b.y);
  });

  it('lays every preset out (as make-presets stores it) without overlaps, near a screen shape', async () => {
    for (const preset of await buildPresets()) {
      const nodes = preset.project.graph.nodes.map((n) => ({ id: n.id, ...estimateNodeSize(n.type) }));
      const p = preset.project.layout;
      expect(overlaps(nodes, p), preset.file).toEqual([]);
      const { width, height } = extent(nodes, p);
      // a deep network fills a laptop's canvas (about 860×760 px between the panels), not a thread
      if (nodes.length > 20) expect(width / height, preset.file).toBeGreaterThan(0.8);
      expect(width / height, preset.file).toBeLessThan(2.2);
    }
  }, 120_000);

  it('lays an imported ONNX model out with the same core as the canvas: the positions Auto layout gives its graph', async () => {
    const { project } = await onnxToProject(readFileSync(join(ROOT, 'resources/samples/mnist-cnn-pytorch.onnx')), 'mnist-cnn-pytorch.onnx');
    const nodes = project.graph.nodes.map((n) => ({ id: n.id, data: { type: n.type } }));
    const edges = project.graph.edges.map((e) => ({ source: e.from, target: e.to, targetHandle: `in-${e.port}` }));
    expect(project.layout).toEqual(await layoutGraph(nodes, edges));
    expect(overlaps(sizedNodes(nodes), project.layout)).toEqual([]);
  });
});
