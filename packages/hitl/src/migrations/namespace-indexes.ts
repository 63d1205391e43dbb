import { Batch, type RedisClient } from '@redstate/core';
import type { LegacyKeys } from '../legacy-keys.js';
import { CHUNK, call, getMany, legacyScoreAndNamespace } from './legacy-read.js';

/**
 * 003-namespace-indexes, as @hitl-sdk/state-ioredis defined it: backfills
 * `idx:ns:{ns}` and `idx:ns:{ns}:status:{status}` ZSETs from the status ZSETs
 * (namespace "global" when a record has none). ZADD is idempotent.
 */
export async function backfillLegacyNamespaces(client: RedisClient, legacy: LegacyKeys): Promise<void> {
  for (const status of ['pending', 'resolved'] as const) {
    const key = legacy.status(status);
    if ((await call(() => client.type(key))) !== 'zset') continue;
    const flat = await call(() => client.zrange(key, '0', '-1', 'WITHSCORES'));
    const ids: string[] = [];
    const scores: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      ids.push(flat[i] as string);
      scores.push(flat[i + 1] as string);
    }
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const raws = await getMany(client, chunk.map((id) => legacy.request(id)));
      const batch = new Batch(client);
      chunk.forEach((id, j) => {
        const { namespace } = legacyScoreAndNamespace(raws[j] ?? null, id);
        const score = scores[i + j] as string;
        batch.command('zadd', [legacy.namespace(namespace), score, id]);
        batch.command('zadd', [legacy.namespaceStatus(namespace, status), score, id]);
      });
      await batch.exec();
    }
  }
}
