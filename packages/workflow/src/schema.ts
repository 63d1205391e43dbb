import { type Migration, SchemaLedger, type RedisClient, type Keyspace, mapRedisError } from '@redstate/core';
import { LayoutMismatchError } from './errors.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './generated/version.js';
import type { WorkflowKeys } from './keys.js';

/**
 * Append-only. `001-initial` records the partition count: it decides which hash slot holds
 * each run, so a process configured with another count must not write.
 */
function migrations(keys: WorkflowKeys): Migration[] {
  return [
    {
      id: '001-initial',
      description: 'record the key layout (partition count)',
      up: async ({ client }) => {
        await client.hsetnx(keys.meta(), 'partitions', String(keys.partitions));
      },
    },
    {
      id: '002-run-spec',
      description: 'new runs keep their creation fields in one JSON field (spec); older runs are read as they are',
      // Nothing to rewrite. Recording it tells versions before this one (which cannot read
      // `spec`) that the data is newer than they are.
      up: async () => {},
    },
  ];
}

export function createLedger(client: RedisClient, keyspace: Keyspace, keys: WorkflowKeys): SchemaLedger {
  return new SchemaLedger(client, {
    namespace: PACKAGE_NAME,
    keyspace,
    migrations: migrations(keys),
    version: PACKAGE_VERSION,
  });
}

/** Refuses to run against data laid out with another partition count. */
export async function checkLayout(client: RedisClient, keys: WorkflowKeys): Promise<void> {
  let stored: string | null;
  try {
    stored = await client.hget(keys.meta(), 'partitions');
  } catch (error) {
    throw mapRedisError(error);
  }
  if (stored !== null && stored !== String(keys.partitions)) {
    throw new LayoutMismatchError(
      `workflow data under this prefix uses ${stored} partitions; this service was configured with ${keys.partitions}`,
      { details: { stored: Number(stored), configured: keys.partitions } },
    );
  }
}
