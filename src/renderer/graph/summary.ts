/**
 * Rows of the layer summary (the seed's table 18-5: layer, parameters, input, output, parameter
 * count), from the engine's shape report in topological order.
 */
import { size } from '../../engine/layers/spec';
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import { formatInt, formatShape } from './format';

export interface SummaryRow {
  id: string;
  type: string;
  category: string;
  settings: string;
  input: string;
  output: string;
  /** "200 + 8" — one term per trainable tensor (weight, bias), as the seed writes it. */
  breakdown: string;
  params: number;
  flops: number;
  error: string | null;
}

export function summaryRows(report: ShapeReport): SummaryRow[] {
  return report.nodes.map((n) => {
    let settings = '';
    if (n.spec && n.params) {
      try {
        settings = n.spec.summary(n.params);
      } catch {
        settings = '';
      }
    }
    const terms = Object.values(n.paramShapes).map((s) => formatInt(size(s)));
    return {
      id: n.id,
      type: n.spec?.label ?? n.type,
      category: n.spec?.category ?? 'Other',
      settings,
      input: n.inShapes.length ? n.inShapes.map((s) => formatShape(s)).join(' + ') : '—',
      output: formatShape(n.outputShape),
      breakdown: terms.length > 1 ? terms.join(' + ') : '',
      params: n.paramCount,
      flops: n.flops,
      error: n.error?.detail ?? null,
    };
  });
}
