/**
 * `convas` — the command line. Dispatches to a subcommand (src/cli/commands/), prints `--help`,
 * and turns every failure into one line on stderr and an exit code: never a stack trace
 * (set CONVAS_DEBUG=1 to see one).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GraphError } from '../engine/graph/errors';
import { FormatError } from '../engine/io/errors';
import { GENERATED_BY } from '../engine/io/header';
import { parseArgs } from './args';
import { commandHelp, usageLine, type Command, type Io } from './command';
import { COMMANDS } from './commands/index';
import { CliError, EXIT } from './errors';

const NAMES = COMMANDS.map((c) => c.name);

/** Every command's summary and usage: the one place that loads them all. */
async function topHelp(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  const width = Math.max(...commands.map((c) => c.name.length)) + 4;
  return [
    'Usage: convas <command> [arguments] [options]',
    '',
    'Design, check and run convolutional networks without a window.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run convas <command> --help for a command\'s arguments and options.',
    ...commands.map((c) => `  ${usageLine(c)}`),
    '',
  ].join('\n');
}

function oneLine(e: unknown): { message: string; code: number } {
  if (e instanceof CliError) return { message: e.message, code: e.exitCode };
  if (e instanceof FormatError) return { message: e.message, code: EXIT.badInput };
  if (e instanceof GraphError) return { message: e.message, code: EXIT.failed };
  return { message: `internal error: ${e instanceof Error ? e.message : String(e)}`, code: EXIT.failed };
}

/** Run the CLI on `argv` (without node and the script) and return the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(await topHelp());
    return EXIT.badInput;
  }
  if (name === '--help' || name === '-h') {
    io.out(await topHelp());
    return EXIT.ok;
  }
  if (name === '--version') {
    io.out(`${GENERATED_BY}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === (name === 'help' ? rest[0] : name));
  if (name === 'help') {
    if (rest.length && !entry) {
      io.err(`convas: unknown command "${rest[0]}" (commands: ${NAMES.join(', ')})\n`);
      return EXIT.badInput;
    }
    io.out(entry ? commandHelp(await entry.load()) : await topHelp());
    return EXIT.ok;
  }
  if (!entry) {
    io.err(`convas: unknown command "${name}" (commands: ${NAMES.join(', ')}; see convas --help)\n`);
    return EXIT.badInput;
  }
  let command: Command;
  try {
    command = await entry.load();
  } catch (e) {
    io.err(`convas ${name}: internal error: could not load the command: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CONVAS_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    return EXIT.failed;
  }
  const beforeDashDash = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'));
  if (beforeDashDash.includes('--help') || beforeDashDash.includes('-h')) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  try {
    return await command.run(parseArgs(command, rest), io);
  } catch (e) {
    const { message, code } = oneLine(e);
    io.err(`convas ${command.name}: ${message}\n`);
    if (process.env.CONVAS_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    return code;
  }
}

const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** Run as the process: exit with the command's code once output has been flushed. */
export async function runAsProcess(argv: readonly string[]): Promise<void> {
  let code: number;
  try {
    code = await main(argv, processIo);
  } catch (e) {
    // main reports a command's failures itself; this is for what escapes it (a module that does not load)
    processIo.err(`convas: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CONVAS_DEBUG && e instanceof Error) processIo.err(`${e.stack}\n`);
    code = EXIT.failed;
  }
  // gpu.js worker threads and Dawn can hold the event loop open after the work is done.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// `tsx src/cli/index.ts …` (npm run convas) runs this file directly; bin/convas.js imports it.
if (isEntry()) void runAsProcess(process.argv.slice(2));
