/** The layer summary as CSV (File ▸ Export ▸ Layer Summary). */
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import { summaryRows } from '../graph/summary';

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function summaryCsv(report: ShapeReport): string {
  const header = ['layer', 'type', 'parameters', 'input', 'output', 'param_count', 'param_breakdown', 'flops', 'error'];
  const lines = [header.join(',')];
  for (const r of summaryRows(report)) {
    lines.push([r.id, r.type, r.settings, r.input, r.output, r.params, r.breakdown, r.flops, r.error ?? ''].map(cell).join(','));
  }
  lines.push(['total', '', '', '', '', report.totals.params, '', report.totals.flops, ''].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}
