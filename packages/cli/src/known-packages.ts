import { type EnsureSchemaResult, Keyspace, type RedisClient } from '@redstate/core';
import { exportedClass, type IndexKey, ledgerKeyOf, type PackageAdapter, type PackageModule } from './package-adapter.js';

interface SchemaOwner {
  ensureSchema(): Promise<EnsureSchemaResult>;
}

/** Adapter for a package whose store is `new Store(client, { keyPrefix })` with `ensureSchema()`. */
function storeAdapter(spec: {
  name: string;
  exportName: string;
  defaultPrefix: string;
  namespace: string;
  /** The Keyspace the package builds from the prefix (some add a child segment). */
  keyspace?: (prefix: string) => Keyspace;
  indexes?: (keyspace: Keyspace) => readonly IndexKey[];
}): PackageAdapter {
  const keyspaceOf = spec.keyspace ?? ((prefix: string) => new Keyspace(prefix));
  const module = `@redstate/${spec.name}`;
  return {
    name: spec.name,
    module,
    defaultPrefix: spec.defaultPrefix,
    ledgerKey: (prefix) => ledgerKeyOf(keyspaceOf(prefix), spec.namespace),
    async ensureSchema(mod: PackageModule, client: RedisClient, prefix: string) {
      const Store = exportedClass<SchemaOwner>(mod, spec.exportName, module);
      const store = new (Store as unknown as new (c: RedisClient, o: { keyPrefix: string }) => SchemaOwner)(client, { keyPrefix: prefix });
      return (await store.ensureSchema()).applied;
    },
    indexes: (prefix) => spec.indexes?.(keyspaceOf(prefix)) ?? [],
  };
}

/** Every @redstate package the CLI can migrate and report on. */
export const knownPackages: readonly PackageAdapter[] = [
  storeAdapter({ name: 'locks', exportName: 'RedisLockManager', defaultPrefix: 'redstate:locks', namespace: 'locks' }),
  storeAdapter({
    name: 'usage',
    exportName: 'RedisUsageStore',
    defaultPrefix: 'helix',
    namespace: 'usage',
    keyspace: (prefix) => new Keyspace(prefix).child('usage'),
    indexes: (ks) => [{ label: 'sessions', key: ks.unit('index', 'sessions').key('by-id'), type: 'zset' }],
  }),
  storeAdapter({
    name: 'workflow',
    exportName: 'RedisWorkflowService',
    defaultPrefix: 'redstate:workflow',
    namespace: '@redstate/workflow',
    // Runs are spread over 16 partitions (the default layout); each keeps an index of all its runs.
    indexes: (ks) => Array.from({ length: 16 }, (_, p) => ({ label: 'runs', key: ks.unit('wf', `p${p}`).key('idx', 'all'), type: 'zset' as const })),
  }),
];
