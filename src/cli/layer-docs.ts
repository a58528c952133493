/**
 * The layer reference — every registered type with its parameters, defaults, allowed values and
 * meaning — read from the registry, as text for `convas layers` and as the Markdown section of
 * docs/formats.md (a test keeps that section equal to this output).
 */
import { LAYERS } from '../engine/layers/index';
import { resolveParams, type ParamDef } from '../engine/layers/params';
import type { LayerSpec } from '../engine/layers/spec';

const KIND_NAMES: Record<ParamDef['kind'], string> = {
  int: 'whole number',
  float: 'number',
  bool: 'true / false',
  pair: '[h, w] or n',
  padding: '"valid", "same" or [ph, pw]',
  shape: '[C, H, W] or [F]',
  enum: 'one of',
};

export function kindOf(d: ParamDef): string {
  return d.kind === 'enum' ? (d.options ?? []).map((o) => `"${o}"`).join(', ') : KIND_NAMES[d.kind];
}

export function defaultOf(d: ParamDef): string {
  if (!('default' in d)) return 'required';
  if (d.default === null) return 'derived';
  return JSON.stringify(d.default).replace(/,/g, ', ');
}

export function rangeOf(d: ParamDef): string {
  if (d.min !== undefined && d.max !== undefined && !d.minExclusive && !d.maxExclusive) return `${d.min} to ${d.max}`;
  const lo = d.min === undefined ? null : `${d.minExclusive ? '>' : '≥'} ${d.min}`;
  const hi = d.max === undefined ? null : `${d.maxExclusive ? '<' : '≤'} ${d.max}`;
  return [lo, hi].filter(Boolean).join(', ');
}

/**
 * Names of the layer's tensors, found by asking it for its shapes on a small example input
 * (required parameters at their smallest): the layouts themselves depend on the input.
 */
function tensorNames(spec: LayerSpec): { params: string[]; state: string[] } {
  const raw: Record<string, unknown> = {};
  for (const d of spec.params) if (!('default' in d)) raw[d.name] = d.kind === 'pair' ? 1 : (d.min ?? 1);
  for (const inShape of [[3, 8, 8], [16]]) {
    try {
      const p = resolveParams(spec.type, spec.params, raw);
      const ins = Array.from({ length: Math.max(spec.inputs.min, 1) }, () => inShape);
      return { params: Object.keys(spec.paramShapes?.(ins, p) ?? {}), state: Object.keys(spec.stateShapes?.(ins, p) ?? {}) };
    } catch {
      // this layer does not take that kind of input; try the next
    }
  }
  return { params: [], state: [] };
}

function inputsOf(spec: LayerSpec): string {
  const { min, max } = spec.inputs;
  if (max === 0) return 'none (where data enters)';
  return min === max ? String(min) : `${min} to ${max}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function layersMarkdown(): string {
  const out: string[] = [];
  for (const spec of LAYERS) {
    out.push(`### ${spec.type}`, '', `${spec.description}`, '');
    const facts = [`Category: ${spec.category}`, `inputs: ${inputsOf(spec)}`];
    const t = tensorNames(spec);
    if (t.params.length) facts.push(`tensors: ${t.params.map((n) => `\`${n}\``).join(', ')}`);
    if (t.state.length) facts.push(`state: ${t.state.map((n) => `\`${n}\``).join(', ')}`);
    if (spec.output) facts.push(`output layer, loss: ${spec.output.lossName}, targets: ${spec.output.targets === 'class' ? 'class indices' : 'same shape as the output'}`);
    out.push(facts.join(' · ') + '.', '');
    if (spec.params.length === 0) {
      out.push('No parameters.', '');
      continue;
    }
    out.push('| Parameter | Type | Default | Allowed | Meaning |', '|---|---|---|---|---|');
    for (const d of spec.params) {
      out.push(`| \`${d.name}\` | ${cell(kindOf(d))} | ${cell(defaultOf(d) === 'required' ? '*required*' : `\`${defaultOf(d)}\``)} | ${cell(rangeOf(d))} | ${cell(d.help)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function layersText(): string {
  const out: string[] = [];
  for (const spec of LAYERS) {
    out.push(`${spec.type} (${spec.category}) — ${spec.description}`);
    for (const d of spec.params) {
      const range = rangeOf(d);
      const def = defaultOf(d);
      out.push(`  ${d.name}: ${kindOf(d)}, ${def === 'required' ? def : `default ${def}`}${range ? `, ${range}` : ''} — ${d.help}`);
    }
    out.push('');
  }
  return out.join('\n');
}
