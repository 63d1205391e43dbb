/** A failure the CLI reports as one line on stderr with a non-zero exit, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes: 1 = the command ran and refused or failed, 2 = bad usage or unreachable server. */
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
