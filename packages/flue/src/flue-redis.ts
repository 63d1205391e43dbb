import type { PersistenceAdapter, PersistenceStores } from '@flue/runtime/adapter';
import {
  type EnsureSchemaResult,
  inspectServer,
  isRedisClient,
  parseInput,
  type RedisClient,
  type ServerReport,
  ValidationError,
} from '@redstate/core';
import { RedisAttachmentStore } from './attachment-store.js';
import { RedisConversationStreamStore } from './conversation-stream-store.js';
import { FlueKeys } from './keys.js';
import { type FlueRedisOptions, optionsSchema } from './options.js';
import { checkFormatStamp, createLedger, type FormatStampOutcome } from './schema.js';
import { StreamNotifier } from './stream-notifier.js';
import { RedisSubmissionStore } from './submission-store.js';

export interface FlueRedisMigrateResult {
  readonly formatStamp: FormatStampOutcome;
  readonly schema: EnsureSchemaResult;
}

/** Flue's `PersistenceAdapter`, plus a few operator extras. */
export interface FlueRedisAdapter extends PersistenceAdapter {
  connect(): Promise<PersistenceStores>;
  /** Checks/stamps the format version, then applies pending migrations. */
  migrate(): Promise<void>;
  /** Like migrate(), returning what it did. */
  ensureSchema(): Promise<FlueRedisMigrateResult>;
  /** Closes the connections this adapter opened (never the client you passed). */
  close(): Promise<void>;
  /** The server report from the startup inspection, once connect() ran it. */
  readonly serverReport: ServerReport | undefined;
}

/**
 * Creates Flue's persistence adapter on your ioredis client (Redis or Cluster).
 * `migrate()` runs once at startup (Flue calls it); `connect()` runs it lazily if it has not.
 */
export function flueRedis(client: RedisClient, options: FlueRedisOptions = {}): FlueRedisAdapter {
  if (!isRedisClient(client)) throw new ValidationError('flueRedis expects an ioredis Redis or Cluster client');
  const opts = parseInput(optionsSchema, options, 'flueRedis options');
  const keys = new FlueKeys(opts.keyPrefix);
  const ledger = createLedger(client, keys);
  const notifier = new StreamNotifier(client, (path) => keys.channel(path), `redstate-flue-sub:${keys.keyspace.prefix}`);
  const retentionMs = opts.retention?.settledSubmissionsMs ?? 0;
  let migrated: Promise<unknown> | undefined;
  let stores: Promise<PersistenceStores> | undefined;
  let report: ServerReport | undefined;

  const ensureSchema = async (): Promise<FlueRedisMigrateResult> => {
    const formatStamp = await checkFormatStamp(client, keys);
    const schema = await ledger.ensure();
    return { formatStamp, schema };
  };
  const ready = (): Promise<unknown> => {
    if (!migrated) {
      migrated = ensureSchema().catch((error: unknown) => {
        migrated = undefined;
        throw error;
      });
    }
    return migrated;
  };

  const open = async (): Promise<PersistenceStores> => {
    if (opts.inspectServer) report = await inspectServer(client, { strict: true, allowCluster: true });
    await ready();
    return {
      submissionStore: new RedisSubmissionStore(client, keys, retentionMs, ready),
      conversationStreamStore: new RedisConversationStreamStore(client, keys, notifier, ready),
      attachmentStore: new RedisAttachmentStore(client, keys, ready),
    };
  };

  return {
    connect: () => {
      if (!stores) {
        stores = open().catch((error: unknown) => {
          stores = undefined;
          throw error;
        });
      }
      return stores;
    },
    migrate: async () => {
      const run = ensureSchema();
      migrated = run;
      try {
        await run;
      } catch (error) {
        migrated = undefined;
        throw error;
      }
    },
    ensureSchema,
    close: () => notifier.close(),
    get serverReport() {
      return report;
    },
  };
}
