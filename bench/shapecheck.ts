/**
 * How long the canvas waits for shapes after an edit: inferShapes over the whole VGG-16 graph
 * after one parameter change (the first conv's filter count flips between two values, so every
 * run sees a changed graph, as after a keystroke in the inspector).
 */
import type { Graph } from '../src/engine/graph/types';
import { inferShapes } from '../src/engine/shapes/inferShapes';
import { median } from './measure';
import { VGG16_PARAMS, vgg16Graph } from './workloads';

export interface ShapeCheckTiming {
  graph: string;
  nodes: number;
  params: number;
  medianMs: number;
  maxMs: number;
  runs: number;
}

function withFilters(g: Graph, node: string, filters: number): Graph {
  return { ...g, nodes: g.nodes.map((n) => (n.id === node ? { ...n, params: { ...n.params, filters } } : n)) };
}

export function benchShapeCheck(runs = 50): ShapeCheckTiming {
  const base = vgg16Graph();
  const report = inferShapes(base);
  if (!report.ok) throw new Error(`VGG-16 does not pass inferShapes: ${report.errors.map((e) => `${e.node}: ${e.message}`).join('; ')}`);
  if (report.totals.params !== VGG16_PARAMS) {
    throw new Error(`VGG-16 has ${report.totals.params.toLocaleString('en-US')} parameters here, the published count is ${VGG16_PARAMS.toLocaleString('en-US')}`);
  }
  const first = base.nodes.find((n) => n.type === 'Conv2D')!.id;
  // Conv 1 at 32 filters: its own weights and the next conv's inputs shrink by half.
  const changed = withFilters(base, first, 32);
  const expectChanged = VGG16_PARAMS - 32 * (3 * 9 + 1) - 32 * 64 * 9;
  const times: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const g = i % 2 ? base : changed;
    const t0 = performance.now();
    const r = inferShapes(g);
    const ms = performance.now() - t0;
    const want = i % 2 ? VGG16_PARAMS : expectChanged;
    if (!r.ok || r.totals.params !== want) throw new Error(`inferShapes on VGG-16 (run ${i}) gave ${r.totals.params} parameters, expected ${want}`);
    if (i >= 5) times.push(ms);
  }
  return { graph: 'VGG-16 (224×224×3, 1000 classes)', nodes: base.nodes.length, params: report.totals.params, medianMs: median(times), maxMs: Math.max(...times), runs };
}
