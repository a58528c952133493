/** Shape inference for the canvas: the engine's inferShapes, cached per Graph object. */
import type { Graph } from '../../engine/graph/types';
import { inferShapes, type ShapeReport } from '../../engine/shapes/inferShapes';

const cache = new WeakMap<Graph, ShapeReport>();

export function reportFor(graph: Graph): ShapeReport {
  let r = cache.get(graph);
  if (!r) {
    r = inferShapes(graph);
    cache.set(graph, r);
  }
  return r;
}
