import { type RedisServerHandle, startRedis } from '@redstate/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisHitlState } from '../src/index.js';
import { newRecord, newState, resolved } from './helpers.js';

/** Counts commands (including those run inside scripts) on a server only this file uses. */
async function commandStats(admin: Redis): Promise<Record<string, number>> {
  const info = await admin.info('commandstats');
  const out: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) out[match[1] as string] = Number(match[2]);
  return out;
}

async function delta(admin: Redis, fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await commandStats(admin);
  await fn();
  const after = await commandStats(admin);
  const out: Record<string, number> = {};
  for (const [name, calls] of Object.entries(after)) {
    const d = calls - (before[name] ?? 0);
    if (d > 0 && name !== 'info') out[name] = d;
  }
  return out;
}

describe('operation cost', () => {
  let server: RedisServerHandle;
  let client: Redis;
  let admin: Redis;

  beforeAll(async () => {
    server = await startRedis({ useEnv: false, appendonly: false });
    client = server.connect();
    admin = server.connect();
  });
  afterAll(async () => {
    await client?.quit();
    await admin?.quit();
    await server?.stop();
  });

  async function filled(n: number): Promise<RedisHitlState> {
    const state = newState(client, 'cost');
    await state.ensureSchema();
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, j) => state.create(newRecord(`r${i + j}`, { namespace: (i + j) % 10 === 0 ? 'small' : 'big' }))));
    }
    return state;
  }

  it('create and resolve are one EVALSHA each', async () => {
    const state = await filled(0);
    expect(await delta(admin, () => state.create(newRecord('one')))).toMatchObject({ evalsha: 1 });
    expect(await delta(admin, () => state.resolve('one', resolved('one')))).toMatchObject({ evalsha: 1 });
    const d = await delta(admin, () => state.create(newRecord('two')));
    expect(Object.keys(d).filter((c) => !['evalsha', 'hexists', 'hget', 'time', 'hset', 'hsetnx', 'zadd'].includes(c))).toEqual([]);
  });

  it('list and count read the same number of records whatever the data size', async () => {
    const costs: Record<string, number>[] = [];
    for (const n of [200, 4000]) {
      const state = await filled(n);
      const first = await state.list({ limit: 10 });
      costs.push(await delta(admin, () => state.list({ limit: 10 })));
      costs.push(await delta(admin, () => state.list({ limit: 10, cursor: first.nextCursor })));
      costs.push(await delta(admin, () => state.list({ namespace: 'small', status: 'pending', limit: 10 })));
      costs.push(await delta(admin, () => state.count({ namespace: 'small' })));
    }
    // the same commands, the same number of times, for 200 and for 4000 records
    expect(costs.slice(4)).toEqual(costs.slice(0, 4));
    // one ZREVRANGEBYLEX for the page, then one HMGET per request field hash for all 11 records
    expect(costs[0]).toEqual({ evalsha: 1, zrevrangebylex: 1, hmget: 7 });
    expect(costs[1]).toEqual({ evalsha: 1, zrevrangebylex: 1, hmget: 7 });
    expect(costs[2]).toEqual({ evalsha: 1, zrevrangebylex: 1, hmget: 7 });
    expect(costs[3]).toEqual({ zlexcount: 1 });
  });
});
