/**
 * Whether a layer is still being wired: fewer inputs than its spec needs, or a gap before a
 * connected port. The engine reports these as errors (a graph like that cannot run); the canvas
 * shows them quieter, and a wire that leaves a layer in this state is not refused.
 */
import type { LayerSpec } from '../../engine/layers/spec';

export function wiringIncomplete(spec: LayerSpec, connectedPorts: readonly number[]): boolean {
  const highest = connectedPorts.length ? Math.max(...connectedPorts) : -1;
  return connectedPorts.length < spec.inputs.min || new Set(connectedPorts).size < highest + 1;
}
