import { type RedisClient, RedstateError } from '@redstate/core';
import { type CommandName, parseCliArgs } from './args.js';
import { CliError } from './cli-error.js';
import type { CommandResult } from './command-result.js';
import { inspectCommand } from './commands/inspect.js';
import { migrateCommand } from './commands/migrate.js';
import { statusCommand } from './commands/status.js';
import { connect } from './connect.js';
import { PACKAGE_VERSION } from './generated/version.js';
import { helpText } from './help.js';
import { loadPackages } from './load-packages.js';
import type { PackageAdapter } from './package-adapter.js';
import { knownPackages } from './known-packages.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Packages the CLI knows how to drive; defaults to every @redstate domain package. */
  readonly adapters?: readonly PackageAdapter[];
}

/** Runs one CLI invocation and returns its exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const adapters = io.adapters ?? knownPackages;
  let json = argv.includes('--json');
  try {
    const args = parseCliArgs(argv, io.env);
    json = args.options.json;
    if (args.version) {
      io.stdout(`${PACKAGE_VERSION}\n`);
      return 0;
    }
    if (args.help || !args.command) {
      io.stdout(`${helpText(args.command, adapters.map((a) => a.name))}\n`);
      return args.command || args.help ? 0 : 2;
    }
    const packages = args.command === 'inspect' ? [] : await loadPackages(adapters, args.positionals);
    const client = await connect(args.options);
    let result: CommandResult;
    try {
      result = await run(args.command, client, args.options, packages);
    } finally {
      client.disconnect();
    }
    io.stdout(`${json ? JSON.stringify(result.json, null, 2) : result.text}\n`);
    return result.exitCode;
  } catch (error) {
    const { message, exitCode } = describe(error);
    io.stderr(json ? `${JSON.stringify({ error: message })}\n` : `redstate: ${message}\n`);
    return exitCode;
  }
}

function run(
  command: CommandName,
  client: RedisClient,
  options: Parameters<typeof inspectCommand>[1],
  packages: Awaited<ReturnType<typeof loadPackages>>,
): Promise<CommandResult> {
  switch (command) {
    case 'inspect':
      return inspectCommand(client, options);
    case 'migrate':
      return migrateCommand(client, options, packages);
    case 'status':
      return statusCommand(client, options, packages);
  }
}

function describe(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (RedstateError.isInstance(error)) return { message: `${error.code}: ${error.message}`, exitCode: 1 };
  return { message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}
