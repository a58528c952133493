/**
 * What a subcommand declares: its name, its arguments and options (from which both argument
 * parsing and `--help` are made), and `run`, which returns the exit code.
 */
import type { ParsedArgs } from './args';

export interface OptionSpec {
  name: string;
  /** A flag is present or not; a value option takes the next argument (or `--name=value`). */
  kind: 'flag' | 'value';
  help: string;
  /** Placeholder in help, e.g. `<file>`. */
  valueName?: string;
  choices?: readonly string[];
  /** A value option the command cannot run without (shown without brackets in usage). */
  required?: boolean;
}

export interface PositionalSpec {
  name: string;
  help: string;
  /** May be left out: the command itself says when it is needed after all. */
  optional?: boolean;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  /** One line for `convas --help`. */
  summary: string;
  /** Positional arguments, in order; an optional one may only come last. */
  positionals: readonly PositionalSpec[];
  options: readonly OptionSpec[];
  /** Extra paragraphs for `--help` (exit codes, output format). */
  details?: string;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

export function usageLine(c: Command): string {
  const pos = c.positionals.map((p) => (p.optional ? `[<${p.name}>]` : `<${p.name}>`)).join(' ');
  const opts = c.options
    .map((o) => {
      const text = o.kind === 'flag' ? `--${o.name}` : `--${o.name} ${o.valueName ?? '<value>'}`;
      return o.required ? text : `[${text}]`;
    })
    .join(' ');
  return `convas ${c.name} ${pos} ${opts}`.replace(/\s+/g, ' ').trim();
}

export function commandHelp(c: Command): string {
  const lines = [`Usage: ${usageLine(c)}`, '', c.summary, ''];
  if (c.positionals.length) {
    lines.push('Arguments:');
    for (const p of c.positionals) lines.push(`  ${`<${p.name}>`.padEnd(24)}${p.help}`);
    lines.push('');
  }
  lines.push('Options:');
  for (const o of c.options) {
    const left = o.kind === 'flag' ? `--${o.name}` : `--${o.name} ${o.valueName ?? '<value>'}`;
    const choices = o.choices ? ` (${o.choices.join(', ')})` : '';
    lines.push(`  ${left.padEnd(24)}${o.help}${choices}`);
  }
  lines.push(`  ${'--help'.padEnd(24)}Show this help`);
  if (c.details) lines.push('', c.details.trim());
  return lines.join('\n') + '\n';
}
