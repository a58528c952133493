/** The Graph IR: what the canvas produces, what files store, what the compiler consumes. */

/** A per-sample tensor shape, batch dimension excluded: [C, H, W] for images, [F] for vectors. */
export type Shape = readonly number[];

export type ParamValue = number | boolean | string | readonly number[] | null;
export type Params = Record<string, unknown>;

export interface GraphNode {
  id: string;
  type: string;
  params: Params;
}

/** `port` is the index of the input slot on `to` (0 unless `to` is a merge node). */
export interface GraphEdge {
  from: string;
  to: string;
  port: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function formatShape(shape: Shape): string {
  return shape.join('×');
}
