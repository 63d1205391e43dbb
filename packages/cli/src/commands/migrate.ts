import { type RedisClient, RedstateError } from '@redstate/core';
import type { GlobalOptions } from '../args.js';
import { EXIT_REFUSED } from '../cli-error.js';
import type { CommandResult } from '../command-result.js';
import type { LoadedPackage } from '../load-packages.js';

interface MigrateOutcome {
  readonly package: string;
  readonly prefix: string;
  readonly applied?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** Runs every package even when one refuses, so one report shows the whole picture. */
export async function migrateCommand(client: RedisClient, options: GlobalOptions, packages: readonly LoadedPackage[]): Promise<CommandResult> {
  const outcomes: MigrateOutcome[] = [];
  for (const { adapter, mod } of packages) {
    const prefix = options.prefix ?? adapter.defaultPrefix;
    try {
      const applied = await adapter.ensureSchema(mod, client, prefix);
      outcomes.push({ package: adapter.name, prefix, applied });
    } catch (error) {
      const code = RedstateError.isInstance(error) ? error.code : 'ERROR';
      outcomes.push({ package: adapter.name, prefix, error: { code, message: error instanceof Error ? error.message : String(error) } });
    }
  }
  const text = outcomes
    .map((o) => {
      if (o.error) return `${o.package} (prefix ${o.prefix}): REFUSED ${o.error.code}: ${o.error.message}`;
      const applied = o.applied ?? [];
      return applied.length === 0
        ? `${o.package} (prefix ${o.prefix}): up to date`
        : `${o.package} (prefix ${o.prefix}): applied ${applied.join(', ')}`;
    })
    .join('\n');
  const exitCode = outcomes.some((o) => o.error) ? EXIT_REFUSED : 0;
  return { json: { packages: outcomes }, text, exitCode };
}
