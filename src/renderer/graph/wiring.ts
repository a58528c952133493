/**
 * Whether a layer is still being wired: fewer inputs than its spec needs, or a gap before a
 * connected port. The engine reports these as errors (a graph like that cannot run); the canvas
 * shows them quieter, and a wire that leaves a layer in this state is not refused.
 */
import type { GraphError } from '../../engine/graph/errors';
import type { LayerSpec } from '../../engine/layers/spec';
import { portOf } from './types';

export function wiringIncomplete(spec: LayerSpec, connectedPorts: readonly number[]): boolean {
  const highest = connectedPorts.length ? Math.max(...connectedPorts) : -1;
  return connectedPorts.length < spec.inputs.min || new Set(connectedPorts).size < highest + 1;
}

/** Ports of `nodeId` that have a wire, from the editor's edges. */
export function connectedPorts(edges: readonly { target: string; targetHandle?: string | null }[], nodeId: string): number[] {
  return edges.filter((e) => e.target === nodeId).map((e) => portOf(e.targetHandle));
}

/** An error that only says the layer is not fully wired yet (shown quieter than a real error). */
export function isPendingWiring(error: GraphError | null | undefined, spec: LayerSpec | null | undefined, ports: readonly number[]): boolean {
  return !!error && error.field === 'port' && !!spec && wiringIncomplete(spec, ports);
}
