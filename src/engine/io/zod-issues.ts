/**
 * Turn zod's first issue into one FormatError whose message names the field and the value,
 * e.g. `training.epochs: must be a whole number ≥ 1, got 0`.
 */
import type { z } from 'zod';
import { describeValue, formatPath, FormatError } from './errors';

type Issue = z.core.$ZodIssue & { input?: unknown };

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, small: boolean): string {
  const n = String(small ? issue.minimum : issue.maximum);
  if (small) return issue.inclusive ? `≥ ${n}` : `> ${n}`;
  return issue.inclusive ? `≤ ${n}` : `< ${n}`;
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'number':
      return 'a finite number';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

/** The issue's problem, without the path. */
export function describeIssue(issue: Issue): string {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${expectedName(issue.expected)}, ${got}`;
    case 'invalid_value':
      if (issue.values.length === 1) return `must be ${describeValue(issue.values[0])}, ${got}`;
      return `must be one of ${issue.values.map((v) => describeValue(v)).join(', ')}, ${got}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const b = bound(issue as { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, small);
      const exact = (issue as { exact?: boolean }).exact;
      const limit = String(small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum);
      if (issue.origin === 'array' || issue.origin === 'set') {
        const n = Array.isArray(issue.input) ? issue.input.length : '?';
        return exact ? `needs exactly ${limit} items, got ${n}` : `needs ${b} items, got ${n}`;
      }
      if (issue.origin === 'string') return small && limit === '1' ? 'must not be empty' : `must be ${b} characters long`;
      return `must be ${b}, ${got}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_union': {
      // A discriminated union whose tag matched nothing: say which tags exist.
      const u = issue as { discriminator?: string; options?: unknown[] };
      if (u.discriminator && u.options) {
        const tag = typeof issue.input === 'object' && issue.input !== null ? (issue.input as Record<string, unknown>)[u.discriminator] : undefined;
        const options = u.options.map((o) => describeValue(o)).join(', ');
        return tag === undefined ? `is required (one of ${options})` : `must be one of ${options}, got ${describeValue(tag)}`;
      }
      return `does not match any allowed form, ${got}`;
    }
    case 'invalid_key':
      return `has an invalid key, ${got}`;
    default:
      return issue.message;
  }
}

/** Parse `raw` with `schema`; on failure throw a FormatError for the first issue, under `prefix`. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const r = schema.safeParse(raw, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0] as Issue;
  const path = [...prefix, ...issue.path];
  const field = formatPath(path);
  const problem = describeIssue(issue);
  throw new FormatError(field ? `${field}: ${problem}` : problem, field || null);
}
