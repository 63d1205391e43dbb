import type { Keyspace, RedisClient } from '@redstate/core';

export type IndexType = 'zset' | 'set' | 'hash' | 'list' | 'stream';

/** One index key a package maintains; its cardinality is the record count the CLI reports. */
export interface IndexKey {
  readonly label: string;
  readonly key: string;
  readonly type: IndexType;
}

export type PackageModule = Record<string, unknown>;

/**
 * How the CLI drives one @redstate package: where its ledger lives, how to run its
 * ensureSchema(), and which index keys count its records.
 */
export interface PackageAdapter {
  /** Short name used on the command line (`locks`, `hitl`, ...). */
  readonly name: string;
  readonly module: string;
  readonly defaultPrefix: string;
  /** The package's SchemaLedger key, given the prefix in use. */
  ledgerKey(prefix: string): string;
  ensureSchema(mod: PackageModule, client: RedisClient, prefix: string): Promise<readonly string[]>;
  indexes(prefix: string): readonly IndexKey[];
}

export function ledgerKeyOf(keyspace: Keyspace, namespace: string): string {
  return keyspace.unit('schema', namespace).key('ledger');
}

/** Reads a named export as a class; a missing export means an incompatible package version. */
export function exportedClass<T>(mod: PackageModule, name: string, from: string): new (...args: never[]) => T {
  const value = mod[name];
  if (typeof value !== 'function') throw new Error(`${from} does not export ${name}; upgrade it or @redstate/cli`);
  return value as new (...args: never[]) => T;
}
