/**
 * A small argument parser driven by a command's declared options, so every usage mistake gets
 * a message that names the option and says what was expected.
 */
import type { Command } from './command';
import { CliError } from './errors';

export interface ParsedArgs {
  positionals: string[];
  flag(name: string): boolean;
  value(name: string): string | undefined;
}

export function parseArgs(c: Command, argv: readonly string[]): ParsedArgs {
  const see = `(see convas ${c.name} --help)`;
  const byName = new Map(c.options.map((o) => [o.name, o]));
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyPositionals || !a.startsWith('--') || a === '-') {
      if (!onlyPositionals && a.startsWith('-') && a !== '-') throw new CliError(`unknown option ${a} ${see}`);
      positionals.push(a);
      continue;
    }
    if (a === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new CliError(`unknown option --${name} ${see}`);
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new CliError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    let v: string | undefined;
    if (eq >= 0) v = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) v = argv[++i];
    if (v === undefined || v === '') throw new CliError(`--${name} needs a value: --${name} ${spec.valueName ?? '<value>'}`);
    if (spec.choices && !spec.choices.includes(v)) throw new CliError(`--${name} must be one of ${spec.choices.join(', ')}, got "${v}"`);
    if (values.has(name)) throw new CliError(`--${name} is given twice`);
    values.set(name, v);
  }
  const want = c.positionals.length;
  const needed = c.positionals.filter((p) => !p.optional).length;
  if (positionals.length < needed) {
    throw new CliError(`missing <${c.positionals[positionals.length].name}> ${see}`);
  }
  if (positionals.length > want) throw new CliError(`unexpected argument "${positionals[want]}" ${see}`);
  const missing = c.options.find((o) => o.required && !values.has(o.name));
  if (missing) throw new CliError(`--${missing.name} ${missing.valueName ?? '<value>'} is required ${see}`);
  return { positionals, flag: (n) => flags.has(n), value: (n) => values.get(n) };
}
