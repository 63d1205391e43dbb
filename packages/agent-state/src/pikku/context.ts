import { type ClientHandle, parseInput, type RedisClient, resolveClient, SchemaLedger } from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import { PACKAGE_VERSION } from '../generated/version.js';
import { PikkuAgentKeys } from './keys.js';
import { type PikkuAgentOptions, pikkuOptionsSchema } from './options.js';
import { PIKKU_AGENT_NAMESPACE, pikkuAgentMigrations } from './schema.js';

/** What the reader and writer services share: client, keys, ledger, options. */
export interface PikkuAgentContext {
  readonly handle: ClientHandle;
  readonly client: RedisClient;
  readonly keys: PikkuAgentKeys;
  readonly ledger: SchemaLedger;
  readonly maxCasRetries: number;
}

export function createContext(client: RedisClient | RedisOptions | string, options: PikkuAgentOptions): PikkuAgentContext {
  const opts = parseInput(pikkuOptionsSchema, options, 'Pikku agent options');
  const keys = new PikkuAgentKeys(opts.keyPrefix ?? 'ai');
  const handle = resolveClient(client);
  const ledger = new SchemaLedger(handle.client, {
    namespace: PIKKU_AGENT_NAMESPACE,
    keyspace: keys.keyspace,
    migrations: pikkuAgentMigrations,
    version: PACKAGE_VERSION,
  });
  return { handle, client: handle.client, keys, ledger, maxCasRetries: opts.maxCasRetries ?? 50 };
}
