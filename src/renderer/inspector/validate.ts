/**
 * Inspector validation through the engine: a value is checked with `resolveParams` on that one
 * parameter, so the message is exactly what the engine would say ("kernelSize[0] must be ≥ 1,
 * got 0"). Node names are checked by the engine's graph parser.
 */
import { GraphError } from '../../engine/graph/errors';
import { parseGraph } from '../../engine/graph/validate';
import type { ParamDef } from '../../engine/layers/params';
import { resolveParams } from '../../engine/layers/params';

export type Checked = { ok: true; value: unknown } | { ok: false; message: string };

export function checkParam(nodeId: string, def: ParamDef, value: unknown): Checked {
  try {
    const out = resolveParams<Record<string, unknown>>(nodeId, [def], value === undefined ? {} : { [def.name]: value });
    return { ok: true, value: out[def.name] };
  } catch (e) {
    return { ok: false, message: e instanceof GraphError ? e.detail : String(e) };
  }
}

export function checkName(name: string, type: string, taken: ReadonlySet<string>): string | null {
  if (taken.has(name)) return `another layer is already called “${name}”`;
  try {
    parseGraph({ nodes: [{ id: name, type, params: {} }], edges: [] });
    return null;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return msg.replace(/^graph\.nodes\[0\]\.id /, 'name ');
  }
}

/** Text typed in a number field → number, or the text itself so the engine can say what is wrong. */
export function parseNumber(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
}

/** "1×28×28", "1, 28, 28" or "1 28 28" → [1, 28, 28]; anything else is returned as typed. */
export function parseShapeText(text: string): unknown {
  const parts = text
    .trim()
    .split(/\s*[×x*,\s]\s*/i)
    .filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const nums = parts.map(Number);
  return nums.some((n) => Number.isNaN(n)) ? text : nums;
}

/** "≥ 1", "1 – 1024", "> 0", "[0, 1)" for the hint line under a field. */
export function rangeText(def: ParamDef): string {
  const lo = def.min;
  const hi = def.max;
  const maxExclusive = def.maxExclusive;
  if (lo !== undefined && hi !== undefined) return `${def.minExclusive ? '(' : '['}${lo}, ${hi}${maxExclusive ? ')' : ']'}`;
  if (lo !== undefined) return `${def.minExclusive ? '>' : '≥'} ${lo}`;
  if (hi !== undefined) return `${maxExclusive ? '<' : '≤'} ${hi}`;
  return '';
}

export function valueText(v: unknown): string {
  if (v === null) return 'auto';
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.join('×');
  return String(v);
}
