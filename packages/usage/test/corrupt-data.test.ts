import { CorruptDataError, Keyspace, RedisUnavailableError } from '@redstate/core';
import { startRedis } from '@redstate/testing';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore, type UsageEntryInput } from '../src/index.js';
import { tokens } from './helpers.js';

function custom(sessionId: string, id: string, value: number): UsageEntryInput {
  return { kind: 'custom', id, sessionId, stepCount: 1, timestamp: 1_700_000_000_000, source: { type: 'agent', name: 'a' }, name: 'm', value };
}

describe('recordEntry on a session holding corrupt data', () => {
  const redis = useTestRedis('usage-corrupt');

  function setup() {
    const prefix = redis.newPrefix();
    const store = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    const unit = (sessionId: string) => new Keyspace(prefix).child('usage').unit(sessionId);
    return { store, unit };
  }

  /** Everything of a session but the tokens index when `withKindIndex` is false. */
  async function snapshot(unit: ReturnType<ReturnType<typeof setup>['unit']>, withKindIndex = true) {
    const c = redis.client;
    return {
      entries: await c.hgetall(unit.key('entries')),
      rollup: await c.hgetall(unit.key('rollup')),
      byTime: await c.zrange(unit.key('by-time'), '0', '-1', 'WITHSCORES'),
      byStep: await c.zrange(unit.key('by-step'), '0', '-1', 'WITHSCORES'),
      byKind: withKindIndex ? await c.zrange(unit.key('by-time', 'tokens'), '0', '-1', 'WITHSCORES') : null,
    };
  }

  it('a rollup counter that is not a number fails that entry alone, before anything of it is kept', async () => {
    const { store, unit } = setup();
    await store.recordEntry(tokens('s', { id: 'first', model: 'm' }));
    await redis.client.hset(unit('s').key('rollup'), 'tokm.completion.m', 'garbage');
    const before = await snapshot(unit('s'));

    const [bad, other] = await Promise.allSettled([
      store.recordEntry(tokens('s', { id: 'second', model: 'm' })),
      store.recordEntry(tokens('t', { id: 'elsewhere', model: 'm' })),
    ]);
    expect(bad.status === 'rejected' && CorruptDataError.isInstance(bad.reason)).toBe(true);
    expect(bad.status === 'rejected' && String(bad.reason.message)).toMatch(/entry second not recorded.*not an integer/);
    expect(other).toEqual({ status: 'fulfilled', value: { id: 'elsewhere', recorded: true } });
    // n and tokm.prompt.m were incremented before the failing field, then undone.
    expect(await snapshot(unit('s'))).toEqual(before);

    await redis.client.hset(unit('s').key('rollup'), 'tokm.completion.m', '50');
    expect(await store.recordEntry(tokens('s', { id: 'second', model: 'm' }))).toEqual({ id: 'second', recorded: true });
    const rollup = await store.getRollup('s');
    expect(rollup?.entryCount).toBe(2);
    expect(rollup?.tokens.byModel.m).toMatchObject({ prompt: 200, completion: 100, calls: 2 });
  });

  it('an index key of another type undoes the entry, counters and earlier index members included', async () => {
    const { store, unit } = setup();
    await store.recordEntry(tokens('s', { id: 'first' }));
    await redis.client.del(unit('s').key('by-time', 'tokens'));
    await redis.client.set(unit('s').key('by-time', 'tokens'), 'not a zset');
    const before = await snapshot(unit('s'), false);

    await expect(store.recordEntry(tokens('s', { id: 'second' }))).rejects.toThrow(/entry second not recorded.*WRONGTYPE/);
    // by-time and by-step got the entry's member before the kind index failed; both are undone.
    expect(await snapshot(unit('s'), false)).toEqual(before);
    expect(await store.getEntryCount('s')).toBe(1);
  });

  it('a custom metric whose stored sum is not a number fails before any write', async () => {
    const { store, unit } = setup();
    await store.recordEntry(custom('s', 'c1', 2));
    await redis.client.hset(unit('s').key('rollup'), 'cus.sum.m', 'NaN');
    const rollupBefore = await redis.client.hgetall(unit('s').key('rollup'));
    await expect(store.recordEntry(custom('s', 'c2', 3))).rejects.toThrow(/entry c2 not recorded.*cus\.sum\.m is not a number/);
    expect(await redis.client.hgetall(unit('s').key('rollup'))).toEqual(rollupBefore);
    expect(await redis.client.hexists(unit('s').key('entries'), 'c2')).toBe(0);
  });

  it('custom sums are doubles added in recording order, as a JS sum of the same values', async () => {
    const { store } = setup();
    const values = [0.1, 0.2, 0.3, 1e-17, 123.456, -7.25, 1 / 3];
    for (const [i, v] of values.entries()) await store.recordEntry(custom('s', `v${i}`, v));
    const metric = (await store.getRollup('s'))?.custom.m;
    expect(metric?.sum).toBe(values.reduce((a, b) => a + b, 0));
    expect(metric).toMatchObject({ count: values.length, min: -7.25, max: 123.456 });
  });

  it('a run refused for memory (OOM) is a RedisUnavailableError and records nothing', async () => {
    const server = await startRedis({ useEnv: false, args: ['--maxmemory-policy', 'noeviction'] });
    const client = server.connect({ maxRetriesPerRequest: 0 });
    try {
      const store = new RedisUsageStore(client, { keyPrefix: 'oom' });
      await store.recordEntry(tokens('s', { id: 'first' }));
      await client.config('SET', 'maxmemory', '1');
      const refused = await store.recordEntry(tokens('s', { id: 'second' })).catch((error: unknown) => error);
      await client.config('SET', 'maxmemory', '0');
      expect(RedisUnavailableError.isInstance(refused)).toBe(true);
      expect(String((refused as Error).message)).toMatch(/OOM/);
      expect(await store.getEntryCount('s')).toBe(1);
      expect(await store.recordEntry(tokens('s', { id: 'second' }))).toEqual({ id: 'second', recorded: true });
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
