import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore } from '../src/index.js';
import { tokens } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('retention and the session index', () => {
  const redis = useTestRedis('usage-ttl');

  it('every key of a session gets the sliding TTL, refreshed by each recordEntry (even a retry)', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix, ttlSeconds: 100 });
    const base = { sessionId: 'live', source: { type: 'agent', name: 'a' }, stepCount: 1, timestamp: 1 };
    await s.recordEntry({ ...base, kind: 'tool', toolName: 't', success: true });
    await s.recordEntry({ ...base, kind: 'subagent', agentName: 'x', subSessionId: 'y' });
    await s.recordEntry({ ...base, kind: 'custom', name: 'c', value: 2 });
    const keys = await keysMatching(redis.client, `${prefix}:usage:{live}:*`);
    expect(keys).toHaveLength(7);
    for (const key of keys) await redis.client.expire(key, 5);
    await s.recordEntry({ ...base, id: 'fixed', kind: 'tokens', model: 'm', tokens: { prompt: 1, completion: 1 } });
    const all = await keysMatching(redis.client, `${prefix}:usage:{live}:*`);
    expect(all).toHaveLength(8);
    for (const key of all) expect(await redis.client.ttl(key), key).toBeGreaterThan(90);
    for (const key of all) await redis.client.expire(key, 5);
    expect((await s.recordEntry({ ...base, id: 'fixed', kind: 'tokens', model: 'm', tokens: { prompt: 1, completion: 1 } })).recorded).toBe(false);
    for (const key of all) expect(await redis.client.ttl(key), key).toBeGreaterThan(90);
  });

  it('ttlSeconds 0 keeps sessions forever', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix, ttlSeconds: 0 });
    await s.recordEntry(tokens('forever'));
    for (const key of await keysMatching(redis.client, `${prefix}:usage:{forever}:*`)) expect(await redis.client.ttl(key)).toBe(-1);
    expect((await s.findSessionIds()).sessionIds).toEqual(['forever']);
  });

  it('an expired session disappears from every read and from the index', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix, ttlSeconds: 1 });
    const keep = new RedisUsageStore(redis.client, { keyPrefix: prefix, ttlSeconds: 100 });
    await s.recordEntry(tokens('short'));
    await keep.recordEntry(tokens('long'));
    expect((await s.findSessionIds()).sessionIds).toEqual(['long', 'short']);
    await sleep(1200);
    expect(await s.exists('short')).toBe(false);
    expect(await s.getRollup('short')).toBeNull();
    expect(await s.getEntries('short')).toEqual([]);
    expect((await s.findSessionIds()).sessionIds).toEqual(['long']);
    // Pruned from both index zsets, not only hidden.
    expect(await redis.client.zrange(`${prefix}:usage:{index:sessions}:by-id`, '0', '-1')).toEqual(['long']);
  });

  it('findSessionIds pages with a cursor in id order', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    const ids = Array.from({ length: 25 }, (_, i) => `sess-${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map((id) => s.recordEntry(tokens(id))));
    const first = await s.findSessionIds({ limit: 10 });
    expect(first.sessionIds).toEqual(ids.slice(0, 10));
    expect(first.nextCursor).not.toBeNull();
    const second = await s.findSessionIds({ limit: 10, cursor: first.nextCursor! });
    expect(second.sessionIds).toEqual(ids.slice(10, 20));
    const third = await s.findSessionIds({ limit: 10, cursor: second.nextCursor! });
    expect(third).toEqual({ sessionIds: ids.slice(20), nextCursor: null });
    expect(await s.findSessionIds({ limit: 25 })).toEqual({ sessionIds: ids, nextCursor: null });
    expect(await new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() }).findSessionIds()).toEqual({
      sessionIds: [],
      nextCursor: null,
    });
  });

  it('a sharded index lists every live session once, in byte order, for any page size', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix, indexShards: 5 });
    const short = new RedisUsageStore(redis.client, { keyPrefix: prefix, indexShards: 5, ttlSeconds: 1 });
    const ids = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `é-${i}` : i % 3 === 1 ? `Z${i}` : `a${i}`));
    await Promise.all(ids.map((id) => s.recordEntry(tokens(id))));
    await Promise.all(Array.from({ length: 15 }, (_, i) => short.recordEntry(tokens(`gone-${i}`))));
    const shardKeys = await keysMatching(redis.client, `${prefix}:usage:{index:sessions:*}:by-id`);
    expect(shardKeys.length).toBe(5);
    await sleep(1200);
    const expected = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const limit of [1, 3, 7, 100]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 200; pages++) {
        const page = await s.findSessionIds({ cursor, limit });
        expect(page.sessionIds.length).toBeLessThanOrEqual(limit);
        seen.push(...page.sessionIds);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(seen, `limit ${limit}`).toEqual(expected);
    }
    await s.delete(ids[0]!);
    expect((await s.findSessionIds({ limit: 100 })).sessionIds).toEqual(expected.filter((id) => id !== ids[0]));
  });
});
