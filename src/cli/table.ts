/** Plain-text tables and number formatting for terminal output. */

/** 3216 → "3,216". */
export function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** (1234567, "FLOPs") → "1.23 MFLOPs": three significant digits with k / M / G. */
export function compact(n: number, unit: string): string {
  const prefixes: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, p] of prefixes) if (Math.abs(n) >= scale) return `${Number((n / scale).toPrecision(3))} ${p}${unit}`;
  return `${n} ${unit}`;
}

export interface Column {
  title: string;
  align?: 'left' | 'right';
}

/** Columns padded to their widest cell, two spaces apart, with a rule under the header. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => (c.align === 'right' ? (cells[i] ?? '').padStart(widths[i]) : (cells[i] ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join('\n') + '\n';
}
