/**
 * The shipped presets and the parameter total each documents: the file's `expectedParams`, or
 * the row for that file in resources/presets/README.md (the presets' published figures).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PRESET_DIR = resolve(import.meta.dirname, '../../../resources/presets');

export interface PresetFile {
  file: string;
  name: string;
  expectedParams: number | null;
  json: { graph: { nodes: { id: string }[]; edges: unknown[] } };
}

function readmeTotals(): Map<string, number> {
  const totals = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(join(PRESET_DIR, 'README.md'), 'utf8');
  } catch {
    return totals;
  }
  // | LeNet-5 | `lenet5.convas.json` | 1×32×32 → 10 | 61,706 | …
  for (const m of text.matchAll(/^\|[^|\n]*\|\s*`([^`]+\.convas\.json)`\s*\|[^|\n]*\|\s*([\d,]+)\s*\|/gm)) {
    totals.set(m[1], Number(m[2].replace(/,/g, '')));
  }
  return totals;
}

export function presetFiles(): PresetFile[] {
  let names: string[];
  try {
    names = readdirSync(PRESET_DIR).filter((f) => f.endsWith('.convas.json'));
  } catch {
    return [];
  }
  const documented = readmeTotals();
  return names.sort().map((file) => {
    const json = JSON.parse(readFileSync(join(PRESET_DIR, file), 'utf8'));
    const inFile = typeof json.expectedParams === 'number' ? json.expectedParams : null;
    return { file, name: json.name ?? file, expectedParams: inFile ?? documented.get(file) ?? null, json };
  });
}
