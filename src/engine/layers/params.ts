/**
 * Parameter schemas: each layer declares its parameters once (kind, default, range, help); the
 * inspector, the validator, the file loaders and the CLI all read the same declaration.
 */
import { GraphError } from '../graph/errors';

export type ParamKind =
  | 'int' // a whole number, with min/max
  | 'float' // a real number, with min/max
  | 'bool'
  | 'pair' // two positive whole numbers [h, w]; a single number n means [n, n]
  | 'padding' // "valid" | "same" | [ph, pw]
  | 'shape' // the Input's [C, H, W] (or [F])
  | 'enum';

export interface ParamDef {
  name: string;
  label: string;
  kind: ParamKind;
  help: string;
  /** Absent default means the parameter is required. `null` means "derived" (e.g. stride = poolSize). */
  default?: unknown;
  min?: number;
  max?: number;
  /** For floats: whether min itself is excluded (e.g. epsilon > 0). */
  minExclusive?: boolean;
  /** For floats: whether max itself is excluded (e.g. dropout rate < 1). */
  maxExclusive?: boolean;
  options?: readonly string[];
  /**
   * For a required parameter: the value a freshly added node starts with on the canvas (a
   * file that omits the parameter is still an error).
   */
  suggested?: unknown;
}

export type Padding = 'valid' | 'same' | [number, number];

function fail(node: string, field: string, message: string): never {
  throw new GraphError(message, node, field);
}

function describe(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function checkRange(node: string, def: ParamDef, v: number, label = def.name): void {
  if (def.min !== undefined && (def.minExclusive ? v <= def.min : v < def.min)) {
    fail(node, def.name, `${label} must be ${def.minExclusive ? '>' : '≥'} ${def.min}, got ${v}`);
  }
  if (def.max !== undefined && (def.maxExclusive ? v >= def.max : v > def.max)) {
    fail(node, def.name, `${label} must be ${def.maxExclusive ? '<' : '≤'} ${def.max}, got ${v}`);
  }
}

function toInt(node: string, def: ParamDef, v: unknown, label = def.name): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v)) {
    fail(node, def.name, `${label} must be a whole number, got ${describe(v)}`);
  }
  checkRange(node, def, v, label);
  return v;
}

function parseOne(node: string, def: ParamDef, v: unknown): unknown {
  switch (def.kind) {
    case 'int':
      return toInt(node, def, v);
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(node, def.name, `${def.name} must be a finite number, got ${describe(v)}`);
      checkRange(node, def, v);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') fail(node, def.name, `${def.name} must be true or false, got ${describe(v)}`);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !def.options?.includes(v)) {
        fail(node, def.name, `${def.name} must be one of ${def.options?.join(', ')}, got ${describe(v)}`);
      }
      return v;
    case 'pair': {
      const arr = typeof v === 'number' ? [v, v] : v;
      if (!Array.isArray(arr) || arr.length !== 2) fail(node, def.name, `${def.name} must be [h, w] or one number, got ${describe(v)}`);
      return [toInt(node, def, arr[0], `${def.name}[0]`), toInt(node, def, arr[1], `${def.name}[1]`)];
    }
    case 'padding': {
      if (v === 'valid' || v === 'same') return v;
      const arr = typeof v === 'number' ? [v, v] : v;
      if (!Array.isArray(arr) || arr.length !== 2) {
        fail(node, def.name, `${def.name} must be "valid", "same" or [ph, pw], got ${describe(v)}`);
      }
      const padDef = { ...def, min: 0 };
      return [toInt(node, padDef, arr[0], `${def.name}[0]`), toInt(node, padDef, arr[1], `${def.name}[1]`)];
    }
    case 'shape': {
      if (!Array.isArray(v) || (v.length !== 1 && v.length !== 3)) {
        fail(node, def.name, `${def.name} must be [C, H, W] or [features], got ${describe(v)}`);
      }
      return v.map((x, i) => toInt(node, { ...def, min: 1 }, x, `${def.name}[${i}]`));
    }
  }
}

/**
 * Apply defaults and check every declared parameter; the result is what kernels and shape rules
 * see. Unknown extra keys are kept (files may carry more optional parameters) but never used.
 */
export function resolveParams<P>(node: string, defs: readonly ParamDef[], raw: unknown): P {
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw new GraphError(`params must be an object, got ${describe(raw)}`, node, 'params');
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    const v = given[def.name];
    if (v === undefined) {
      if (!('default' in def)) fail(node, def.name, `${def.name} is required`);
      out[def.name] = def.default;
    } else if (v === null && def.default === null) {
      out[def.name] = null;
    } else {
      out[def.name] = parseOne(node, def, v);
    }
  }
  return out as P;
}
