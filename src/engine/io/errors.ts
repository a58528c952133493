/**
 * Every problem with a file's contents is a FormatError: it says where (a field path such as
 * `training.optimizer.lr` or a tensor key such as `conv1.weight`) and what is wrong, so the CLI
 * and the app can print one useful line. Callers add the file name; the engine never sees paths.
 */
export class FormatError extends Error {
  constructor(
    message: string,
    /** Dotted path of the field or tensor at fault, when there is one. */
    readonly field: string | null = null,
    /** The graph node at fault, when the problem is inside the graph. */
    readonly node: string | null = null,
    /** Every problem found, when a check collects several (weights against a graph). */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/** A short rendering of a value for messages: JSON where possible, never more than 40 characters. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** `a.b[3]["conv1.weight"]` from a path of keys and indices. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out;
}
