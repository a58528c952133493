/**
 * Parameters a freshly added layer starts with: every declared default, written out so the
 * saved file says what the layer does. Required parameters (no default) stay absent: the node
 * shows the engine's "is required" error and the inspector asks for a value.
 */
import type { Params } from '../../engine/graph/types';
import type { LayerSpec } from '../../engine/layers/spec';

export function defaultParams(spec: LayerSpec): Params {
  const out: Params = {};
  for (const def of spec.params) if ('default' in def) out[def.name] = def.default;
  return out;
}
