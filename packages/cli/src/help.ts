import type { CommandName } from './args.js';

const COMMON = `Connection options:
  -u, --url <url>      redis:// or rediss:// URL (default: $REDIS_URL, else redis://127.0.0.1:6379)
      --cluster        treat --url as a seed node of a Redis Cluster
      --timeout <ms>   connect and command timeout (default 5000)
      --json           print one JSON document instead of text
  -h, --help           show help`;

const GENERAL = `redstate - operate the Redis behind your @redstate packages

Usage: redstate <command> [options]

Commands:
  migrate [packages...]   run ensureSchema() of the installed @redstate packages
  inspect                 report server version, cluster mode, eviction and persistence
  status [packages...]    per package: schema ledger, record counts from its indexes, memory

Run redstate <command> --help for the options of one command.

${COMMON}`;

const PER_COMMAND: Record<CommandName, string> = {
  migrate: `Usage: redstate migrate [packages...] [--prefix <prefix>] [options]

Runs ensureSchema() of each named package (default: every installed @redstate package)
and prints the migrations it applied. Idempotent: a second run applies nothing.
Exits 1 when a package refuses (for example a schema written by a newer version).

  -p, --prefix <prefix>   key prefix your app passes to the packages (default: each package's own)
  packages                short names: {{packages}}

${COMMON}`,
  inspect: `Usage: redstate inspect [--strict] [options]

Reports the server's version, cluster mode, maxmemory-policy and persistence, with a
warning and a fix for every setting that can lose state.

      --strict   exit 1 when there is any warning

${COMMON}`,
  status: `Usage: redstate status [packages...] [--prefix <prefix>] [options]

For each installed package: the migrations recorded in its schema ledger, record counts
read from the package's own indexes (never a keyspace SCAN), and the memory of those keys.

  -p, --prefix <prefix>   key prefix your app passes to the packages (default: each package's own)

${COMMON}`,
};

export function helpText(command: CommandName | undefined, packageNames: readonly string[]): string {
  const text = command ? PER_COMMAND[command] : GENERAL;
  return text.replace('{{packages}}', packageNames.join(', '));
}
