/**
 * Parameters a freshly added layer starts with: every declared default, written out so the
 * saved file says what the layer does. Required parameters start at the layer's suggested value
 * (Conv2D: 8 filters of 3×3), so a new block is valid the moment it is wired.
 */
import type { Params } from '../../engine/graph/types';
import type { LayerSpec } from '../../engine/layers/spec';

export function defaultParams(spec: LayerSpec): Params {
  const out: Params = {};
  for (const def of spec.params) {
    if ('default' in def) out[def.name] = def.default;
    else if (def.suggested !== undefined) out[def.name] = def.suggested;
  }
  return out;
}
