import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisStateStore, RedisStreamManager } from '../src/index.js';
import { keysUnder, makeState, messages } from './helpers.js';

describe('TTL', () => {
  const redis = useTestRedis('agent-ttl');

  it('defaults to 7 days on every key of the session', async () => {
    const prefix = redis.newPrefix('ttl7');
    const s = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await s.saveState('a', makeState('a', { messages: messages(1) }), { fencingToken: 1 });
    await s.stageChanges('a', 'x', { toolCallId: 't', patches: [], timestamp: 1 });
    const keys = await keysUnder(redis.client, `${prefix}:{session`);
    expect(keys).toHaveLength(6);
    for (const key of keys) {
      const ttl = await redis.client.ttl(key);
      expect(ttl).toBeGreaterThan(7 * 86400 - 60);
      expect(ttl).toBeLessThanOrEqual(7 * 86400);
    }
  });

  it('every write slides the expiry of all session keys', async () => {
    const prefix = redis.newPrefix('slide');
    const s = new RedisStateStore({ client: redis.client, keyPrefix: prefix, ttl: 1000 });
    await s.saveState('a', makeState('a', { messages: messages(1) }));
    await s.stageChanges('a', 'x', { toolCallId: 't', patches: [], timestamp: 1 });
    const keys = await keysUnder(redis.client, `${prefix}:{session`);
    const writes: (() => Promise<unknown>)[] = [
      () => s.appendMessages('a', messages(1)),
      () => s.updateStatus('a', 'paused'),
      () => s.compareAndSetStatus('a', ['paused'], 'running'),
      () => s.incrementResumeCount('a'),
      () => s.stageChanges('a', 'x', { toolCallId: 't2', patches: [], timestamp: 2 }),
      () => s.saveState('a', makeState('a', { stepCount: 2 })),
    ];
    for (const write of writes) {
      for (const key of keys) await redis.client.expire(key, 10);
      await write();
      for (const key of await keysUnder(redis.client, `${prefix}:{session`)) {
        expect(await redis.client.ttl(key)).toBeGreaterThan(900);
      }
    }
    // reads do not extend it
    for (const key of keys) await redis.client.expire(key, 10);
    await s.loadState('a');
    await s.getMessages('a');
    await s.listCheckpoints('a');
    expect(await redis.client.ttl(keys[0]!)).toBeLessThanOrEqual(10);
  });

  it('ttl 0 keeps sessions forever (and removes an earlier expiry)', async () => {
    const prefix = redis.newPrefix('forever');
    await new RedisStateStore({ client: redis.client, keyPrefix: prefix, ttl: 100 }).saveState('a', makeState('a'));
    await new RedisStateStore({ client: redis.client, keyPrefix: prefix, ttl: 0 }).saveState('a', makeState('a', { stepCount: 2 }));
    for (const key of await keysUnder(redis.client, `${prefix}:{session`)) expect(await redis.client.ttl(key)).toBe(-1);
  });

  it('expired sessions are gone entirely', async () => {
    const prefix = redis.newPrefix('expire');
    const s = new RedisStateStore({ client: redis.client, keyPrefix: prefix, ttl: 1 });
    await s.saveState('gone', makeState('gone', { messages: messages(2) }));
    await expect.poll(() => s.loadState('gone'), { timeout: 5000, interval: 200 }).toBeNull();
    expect(await keysUnder(redis.client, `${prefix}:{session`)).toEqual([]);
  });

  it('streams slide their TTL too', async () => {
    const prefix = redis.newPrefix('sttl');
    const m = new RedisStreamManager({ client: redis.client, keyPrefix: prefix, ttl: 500 });
    const w = await m.createWriter('s', 'a', 't');
    await w.write({ type: 'x' });
    const keys = await keysUnder(redis.client, `${prefix}:{stream`);
    expect(keys).toHaveLength(2);
    for (const key of keys) await redis.client.expire(key, 10);
    await m.endStream('s');
    for (const key of keys) expect(await redis.client.ttl(key)).toBeGreaterThan(400);
  });
});
