/** Layer search for the palette and the quick-add menu: matches type, label, category and description. */
import { LAYERS } from '../../engine/layers/index';
import type { LayerSpec } from '../../engine/layers/spec';
import { categoryRank } from '../graph/categories';

export function searchLayers(query: string): LayerSpec[] {
  const q = query.trim().toLowerCase();
  const all = [...LAYERS].sort((a, b) => categoryRank(a.category) - categoryRank(b.category));
  if (!q) return all;
  const scored = all
    .map((spec) => {
      const label = spec.label.toLowerCase();
      const type = spec.type.toLowerCase();
      let score = -1;
      if (label === q || type === q) score = 0;
      else if (label.startsWith(q) || type.startsWith(q)) score = 1;
      else if (label.includes(q) || type.includes(q)) score = 2;
      else if (spec.category.toLowerCase().includes(q)) score = 3;
      else if (spec.description.toLowerCase().includes(q)) score = 4;
      return { spec, score };
    })
    .filter((x) => x.score >= 0);
  return scored.sort((a, b) => a.score - b.score || categoryRank(a.spec.category) - categoryRank(b.spec.category)).map((x) => x.spec);
}
