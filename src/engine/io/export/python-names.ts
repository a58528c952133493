/**
 * Convas node ids as Python identifiers: `-` becomes `_`; a Python keyword, a builtin the
 * generated code uses, an nn.Module member or a taken name gets a suffix. The mapping is written
 * into model.py (CONVAS_NAMES) so weights keyed by node id still load.
 */
const RESERVED = new Set([
  // keywords
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'match', 'case',
  // names model.py uses
  'self', 'x', 'logits', 'torch', 'nn', 'F', 'json', 'os', 'struct', 'float', 'mean', 'std',
  // nn.Module members an attribute would shadow
  'forward', 'training', 'train', 'eval', 'parameters', 'buffers', 'modules', 'children', 'state_dict', 'load_state_dict', 'to', 'cuda',
  'cpu', 'type', 'float', 'double', 'half', 'apply', 'zero_grad', 'register_buffer', 'add_module', 'named_modules', 'named_parameters',
  'extra_repr', 'dump_patches',
]);

export function pythonNames(ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of ids) {
    let base = id.replace(/-/g, '_');
    if (RESERVED.has(base) || base.startsWith('__')) base = `${base}_`;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    out.set(id, name);
  }
  return out;
}

/** A number as Python source (JS `1e-5` and `0.0005` are valid Python floats). */
export function pyNum(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

export function pyTuple(v: readonly number[]): string {
  return `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
}
