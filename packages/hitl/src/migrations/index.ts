import { type Migration, type RedisClient, SchemaTooNewError } from '@redstate/core';
import type { HitlKeys } from '../keys.js';
import { LegacyKeys } from '../legacy-keys.js';
import { isKnownLegacyId, readLegacyLedger } from './legacy-read.js';
import { backfillLegacyNamespaces } from './namespace-indexes.js';
import { convertLegacySetIndexes } from './sorted-indexes.js';
import { importLegacyLayout } from './tagged-layout.js';

/**
 * Append-only. 001-003 keep the ids and meaning of @hitl-sdk/state-ioredis 1.x (they act
 * on its layout, and are no-ops on a fresh deployment); 004 moves into this package's layout.
 */
export function hitlMigrations(keys: HitlKeys): readonly Migration[] {
  const legacy = new LegacyKeys(keys.keyspace.prefix);
  return [
    { id: '001-initial', description: 'initial layout (nothing to create)', up: async () => {} },
    {
      id: '002-sorted-indexes',
      description: 'legacy status/all indexes: SET -> ZSET scored by createdAt',
      up: ({ client }) => convertLegacySetIndexes(client, legacy),
    },
    {
      id: '003-namespace-indexes',
      description: 'legacy per-namespace ZSET indexes',
      up: ({ client }) => backfillLegacyNamespaces(client, legacy),
    },
    {
      id: '004-tagged-layout',
      description: 'copy legacy records into the one-slot hash layout',
      up: ({ client }) => importLegacyLayout(client, keys, legacy),
    },
  ];
}

/** Number of migrations this version knows (the seed package exported the same measure). */
export const SCHEMA_VERSION = 4;

/**
 * The migration ids a @hitl-sdk/state-ioredis 1.x ledger (a SET at `{prefix}:meta:migrations`)
 * records as applied. An id it does not know means a newer legacy layout: refuse.
 */
export async function importLegacyLedger(client: RedisClient, keys: HitlKeys): Promise<string[]> {
  const ids = await readLegacyLedger(client, new LegacyKeys(keys.keyspace.prefix));
  const unknown = ids.filter((id) => !isKnownLegacyId(id));
  if (unknown.length > 0) {
    throw new SchemaTooNewError(
      `the @hitl-sdk/state-ioredis ledger lists migrations this version does not know (${unknown.join(', ')}); nothing was changed`,
      { details: { unknown } },
    );
  }
  return ids;
}
