import { parseArgs } from 'node:util';
import { CliError, EXIT_USAGE } from './cli-error.js';

export const COMMANDS = ['migrate', 'inspect', 'status'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface GlobalOptions {
  readonly url: string;
  readonly cluster: boolean;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly prefix: string | undefined;
  readonly strict: boolean;
}

export interface ParsedArgs {
  readonly command: CommandName | undefined;
  readonly help: boolean;
  readonly version: boolean;
  readonly options: GlobalOptions;
  readonly positionals: readonly string[];
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)} (see redstate --help)`, EXIT_USAGE);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  let command: CommandName | undefined;
  if (first !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new CliError(`unknown command ${JSON.stringify(first)}; commands: ${COMMANDS.join(', ')}`, EXIT_USAGE);
    }
    command = first as CommandName;
  }
  const timeoutMs = Number(values.timeout ?? 5000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new CliError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(values.timeout)}`, EXIT_USAGE);
  }
  if (command !== 'migrate' && command !== 'status' && rest.length > 0) {
    throw new CliError(`unexpected argument ${JSON.stringify(rest[0])}`, EXIT_USAGE);
  }
  return {
    command,
    help: values.help === true,
    version: values.version === true,
    positionals: rest,
    options: {
      url: values.url ?? env.REDIS_URL ?? DEFAULT_URL,
      cluster: values.cluster === true,
      json: values.json === true,
      timeoutMs,
      prefix: values.prefix,
      strict: values.strict === true,
    },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string', short: 'u' },
      prefix: { type: 'string', short: 'p' },
      cluster: { type: 'boolean' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      strict: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
