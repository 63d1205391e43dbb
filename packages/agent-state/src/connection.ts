import { EventEmitter } from 'node:events';
import {
  type EnsureSchemaResult,
  Keyspace,
  mapRedisError,
  type RedisClient,
  resolveClient,
  SchemaLedger,
} from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import { migrations } from './migrations.js';
import { PACKAGE_VERSION } from './generated/version.js';
import type { Logger } from './types.js';

export const DEFAULT_KEY_PREFIX = 'redstate:agent';
/** 7 days, in seconds. */
export const DEFAULT_TTL = 7 * 24 * 60 * 60;

/** Connection options shared by the three classes: bring a client, or let us open one. */
export interface ConnectionOptions {
  /** Your ioredis `Redis` or `Cluster` (never closed or reconfigured by us). */
  client?: RedisClient;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  /** Extra ioredis options when we open the connection ourselves. */
  redisOptions?: RedisOptions;
  /** Namespace of every key (default `redstate:agent`). */
  keyPrefix?: string;
  logger?: Logger;
}

export interface AgentStateEvents {
  error: [Error];
}

/** Client ownership, keyspace, schema ledger and error events, shared by the public classes. */
export class Connection extends EventEmitter<AgentStateEvents> {
  readonly client: RedisClient;
  readonly keyspace: Keyspace;
  readonly logger: Logger | undefined;
  private readonly ledger: SchemaLedger;
  private readonly closeOwned: () => Promise<void>;

  constructor(options: ConnectionOptions) {
    super();
    const keyspace = new Keyspace(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    let handle: ReturnType<typeof resolveClient>;
    if (options.client !== undefined) {
      handle = resolveClient(options.client);
    } else {
      const { host, port, username, password, db } = options;
      const defined = Object.fromEntries(
        Object.entries({ host, port, username, password, db }).filter(([, v]) => v !== undefined),
      );
      handle = resolveClient({ ...options.redisOptions, ...defined });
      handle.client.on('error', (error: Error) => this.report(error, 'connection error'));
    }
    this.client = handle.client;
    this.closeOwned = () => handle.close();
    this.keyspace = keyspace;
    this.logger = options.logger;
    this.ledger = new SchemaLedger(this.client, {
      namespace: 'agent-state',
      keyspace,
      migrations,
      version: PACKAGE_VERSION,
    });
  }

  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ledger.ensure();
  }

  /** Runs `ensureSchema` once per instance before the first write (a failure is retried next time). */
  protected ready(): Promise<EnsureSchemaResult> {
    return this.ledger.ensureOnce();
  }

  /** Reports a background failure: 'error' event when someone listens, else the logger. */
  protected report(error: unknown, context: string): void {
    const err = mapRedisError(error);
    const asError = err instanceof Error ? err : new Error(String(err));
    this.logger?.error?.(`@redstate/agent-state: ${context}: ${asError.message}`, { error: asError });
    if (this.listenerCount('error') > 0) this.emit('error', asError);
  }

  /** Closes the connection only when we opened it (a client you passed in stays open). */
  async close(): Promise<void> {
    await this.closeOwned();
  }
}
