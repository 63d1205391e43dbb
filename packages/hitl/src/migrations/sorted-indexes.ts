import type { RedisClient } from '@redstate/core';
import type { LegacyKeys } from '../legacy-keys.js';
import { CHUNK, call, getMany, legacyScoreAndNamespace } from './legacy-read.js';

/**
 * 002-sorted-indexes, as @hitl-sdk/state-ioredis defined it: its status and all-request
 * indexes turn from SETs into ZSETs scored by createdAt (ms). Keys already ZSETs (or
 * absent) are left alone, so a rerun is harmless. Each key is rewritten in one MULTI
 * (single key, so it works on a Cluster too).
 */
export async function convertLegacySetIndexes(client: RedisClient, legacy: LegacyKeys): Promise<void> {
  for (const key of [legacy.status('pending'), legacy.status('resolved'), legacy.all()]) {
    if ((await call(() => client.type(key))) !== 'set') continue;
    const ids = await call(() => client.smembers(key));
    const raws = await getMany(client, ids.map((id) => legacy.request(id)));
    const tx = client.multi();
    tx.del(key);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const args: (string | number)[] = [];
      for (let j = i; j < Math.min(ids.length, i + CHUNK); j++) {
        const id = ids[j] as string;
        args.push(legacyScoreAndNamespace(raws[j] ?? null, id).score, id);
      }
      tx.zadd(key, ...args);
    }
    const replies = await call(() => tx.exec());
    for (const [error] of replies ?? [[new Error('MULTI was discarded')]]) if (error) throw error;
  }
}
