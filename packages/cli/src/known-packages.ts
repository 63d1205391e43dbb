import { type EnsureSchemaResult, Keyspace, type RedisClient } from '@redstate/core';
import { exportedClass, type IndexKey, ledgerKeyOf, type PackageAdapter, type PackageModule } from './package-adapter.js';

interface SchemaOwner {
  ensureSchema(): Promise<EnsureSchemaResult>;
}

type Construct = (Store: new (...args: never[]) => SchemaOwner, client: RedisClient, prefix: string) => SchemaOwner;

/** Most stores: `new Store(client, { keyPrefix })`. */
const byKeyPrefix: Construct = (Store, client, prefix) =>
  new (Store as unknown as new (c: RedisClient, o: { keyPrefix: string }) => SchemaOwner)(client, { keyPrefix: prefix });

/** Adapter for a package whose store class has `ensureSchema()`. */
function storeAdapter(spec: {
  name: string;
  exportName: string;
  defaultPrefix: string;
  namespace: string;
  /** The Keyspace the package builds from the prefix (some add a child segment). */
  keyspace?: (prefix: string) => Keyspace;
  indexes?: (keyspace: Keyspace, prefix: string) => readonly IndexKey[];
  construct?: Construct;
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
      const store = (spec.construct ?? byKeyPrefix)(Store, client, prefix);
      return (await store.ensureSchema()).applied;
    },
    indexes: (prefix) => spec.indexes?.(keyspaceOf(prefix), prefix) ?? [],
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
  storeAdapter({
    name: 'agent-state',
    exportName: 'RedisStateStore',
    defaultPrefix: 'redstate:agent',
    namespace: 'agent-state',
    // Sessions are independent units with no global index: only the ledger is reported.
    construct: (Store, client, prefix) =>
      new (Store as unknown as new (o: { client: RedisClient; keyPrefix: string }) => SchemaOwner)({ client, keyPrefix: prefix }),
  }),
  storeAdapter({
    name: 'channels',
    exportName: 'RedisChannelStore',
    defaultPrefix: 'redstate:channels',
    namespace: 'channels',
    indexes: (ks) => [
      { label: 'channels', key: ks.unit('store').key('names'), type: 'hash' },
      { label: 'subscriptions', key: ks.unit('store').key('subs'), type: 'zset' },
    ],
  }),
  storeAdapter({
    name: 'deployments',
    exportName: 'RedisDeploymentService',
    defaultPrefix: 'redstate:deployments',
    namespace: 'deployments',
    indexes: (ks) => [{ label: 'deployments (live or not yet swept)', key: ks.unit('registry').key('live'), type: 'zset' }],
    construct: (Store, client, prefix) =>
      new (Store as unknown as new (config: object, c: RedisClient, o: { keyPrefix: string }) => SchemaOwner)({}, client, { keyPrefix: prefix }),
  }),
  storeAdapter({
    name: 'hitl',
    exportName: 'RedisHitlState',
    // hitl's "prefix" is its table name (`schema.table` becomes the key prefix `schema:table`).
    defaultPrefix: 'hitl.human_requests',
    namespace: 'hitl',
    keyspace: (table) => new Keyspace(table.split('.').join(':')),
    indexes: (ks, table) => [
      { label: 'requests', key: ks.unit(table).key('idx', 'all'), type: 'zset' },
      { label: 'pending requests', key: ks.unit(table).key('idx', 'status', 'pending'), type: 'zset' },
    ],
    construct: (Store, client, table) =>
      new (Store as unknown as new (c: RedisClient, o: { tableName: string }) => SchemaOwner)(client, { tableName: table }),
  }),
  flueAdapter(),
];

interface FlueAdapterLike {
  ensureSchema(): Promise<{ schema: EnsureSchemaResult }>;
  close(): Promise<void>;
}

/** Flue's adapter comes from a factory (`flueRedis(client, options)`), not a class. */
function flueAdapter(): PackageAdapter {
  const module = '@redstate/flue';
  const keyspaceOf = (prefix: string) => new Keyspace(prefix);
  return {
    name: 'flue',
    module,
    defaultPrefix: 'flue',
    ledgerKey: (prefix) => ledgerKeyOf(keyspaceOf(prefix), 'flue'),
    async ensureSchema(mod, client, prefix) {
      const factory = mod.flueRedis;
      if (typeof factory !== 'function') throw new Error(`${module} does not export flueRedis; upgrade it or @redstate/cli`);
      // `redstate inspect` reports server settings; the adapter's own startup check is off here.
      const adapter = (factory as (c: RedisClient, o: object) => FlueAdapterLike)(client, { keyPrefix: prefix, inspectServer: false });
      try {
        return (await adapter.ensureSchema()).schema.applied;
      } finally {
        await adapter.close();
      }
    },
    indexes: (prefix) => [{ label: 'unsettled submissions', key: keyspaceOf(prefix).unit('flue').key('sub', 'unsettled'), type: 'zset' }],
  };
}
