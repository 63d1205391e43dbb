import type { RedisClient } from '@redstate/core';
import type { GlobalOptions } from '../args.js';
import type { CommandResult } from '../command-result.js';
import type { LoadedPackage } from '../load-packages.js';
import type { IndexKey } from '../package-adapter.js';

interface IndexStatus {
  readonly label: string;
  /** The index keys read (a partitioned index has several). */
  readonly keys: readonly string[];
  readonly count: number;
  readonly bytes: number;
}

interface PackageStatus {
  readonly package: string;
  readonly prefix: string;
  readonly migrations: readonly string[];
  readonly indexes: readonly IndexStatus[];
}

const COUNT_COMMAND: Record<IndexKey['type'], string> = {
  zset: 'zcard',
  set: 'scard',
  hash: 'hlen',
  list: 'llen',
  stream: 'xlen',
};

async function indexStatus(client: RedisClient, index: IndexKey): Promise<IndexStatus> {
  const [count, bytes] = await Promise.all([
    client.call(COUNT_COMMAND[index.type], index.key) as Promise<number>,
    client.call('memory', 'usage', index.key) as Promise<number | null>,
  ]);
  return { label: index.label, keys: [index.key], count: Number(count), bytes: Number(bytes ?? 0) };
}

/** Sums the parts of partitioned indexes (same label) into one line each. */
function mergeByLabel(parts: readonly IndexStatus[]): IndexStatus[] {
  const merged = new Map<string, IndexStatus>();
  for (const part of parts) {
    const seen = merged.get(part.label);
    merged.set(
      part.label,
      seen ? { label: part.label, keys: [...seen.keys, ...part.keys], count: seen.count + part.count, bytes: seen.bytes + part.bytes } : part,
    );
  }
  return [...merged.values()];
}

/** Reads only ledgers and index keys the packages name: cost does not depend on data size elsewhere. */
export async function statusCommand(client: RedisClient, options: GlobalOptions, packages: readonly LoadedPackage[]): Promise<CommandResult> {
  const statuses: PackageStatus[] = [];
  for (const { adapter } of packages) {
    const prefix = options.prefix ?? adapter.defaultPrefix;
    const migrations = (await client.hkeys(adapter.ledgerKey(prefix))).sort();
    const indexes = mergeByLabel(await Promise.all(adapter.indexes(prefix).map((index) => indexStatus(client, index))));
    statuses.push({ package: adapter.name, prefix, migrations, indexes });
  }
  const lines: string[] = [];
  for (const s of statuses) {
    lines.push(`${s.package} (prefix ${s.prefix}): ${s.migrations.length === 0 ? 'no schema yet (run redstate migrate)' : `schema ${s.migrations.join(', ')}`}`);
    for (const i of s.indexes) lines.push(`  ${i.label}: ${i.count} (${formatBytes(i.bytes)})`);
  }
  return { json: { packages: statuses }, text: lines.join('\n'), exitCode: 0 };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
