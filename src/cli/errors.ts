/** A failure the CLI reports as one line on stderr, with the exit code it deserves. */
export const EXIT = {
  ok: 0,
  /** The graph has errors, or the work could not be done (e.g. the backend is missing). */
  failed: 1,
  /** Bad usage, or an input file that cannot be read or is not valid. */
  badInput: 2,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
