import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { Keyspace, escapeKeyPart } from '@redstate/core';
import { channelKeys, RedisChannelStore } from '../src/index.js';

describe('removing a channel is one atomic step', () => {
  const redis = useTestRedis('channels-atomic');

  it('observers on other connections see all of a channel or none of it', async () => {
    const prefix = redis.newPrefix();
    const k = channelKeys(new Keyspace(prefix));
    const writer = new RedisChannelStore(redis.connect(), { keyPrefix: prefix, channelTtlMs: 60_000 });
    const observers = Array.from({ length: 6 }, () => redis.connect());
    const observed = new Set<string>();

    for (let round = 0; round < 30; round++) {
      const id = `c-${round}`;
      const esc = escapeKeyPart(id);
      await writer.addChannel({ channelId: id, channelName: 'n' });
      await writer.setPikkuUserId(id, 'u');
      await writer.setState(id, { round });
      for (const t of ['a', 'b', 'c']) await writer.subscribe(t, id);

      let removing = true;
      const watch = observers.map(async (o) => {
        while (removing) {
          const r = await o
            .multi()
            .hexists(k.names, esc)
            .hexists(k.users, esc)
            .hexists(k.state, esc)
            .zscore(k.expiry, esc)
            .zrangebylex(k.channelSubs, `[${esc}:`, `(${esc};`)
            .zrangebylex(k.subs, '[a:', '(a;')
            .exec();
          const [name, user, state, expiry, subs, topicA] = (r ?? []).map(([, v]) => v);
          observed.add(
            JSON.stringify([name, user, state, expiry !== null, (subs as string[]).length, (topicA as string[]).includes(`a:${esc}`)]),
          );
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 2));
      await writer.removeChannels([id]);
      removing = false;
      await Promise.all(watch);
      await expect(writer.getChannel(id)).rejects.toThrow('Channel not found');
    }
    const allowed = new Set([JSON.stringify([0, 0, 0, false, 0, false]), JSON.stringify([1, 1, 1, true, 3, true])]);
    expect(observed.size).toBeGreaterThanOrEqual(1);
    for (const state of observed) expect(allowed.has(state), state).toBe(true);
    expect(await redis.client.exists(k.names, k.users, k.state, k.expiry, k.subs, k.channelSubs)).toBe(0);
  });

  it('racing subscribers and removers never leave a subscription without its channel index entry', async () => {
    const prefix = redis.newPrefix();
    const k = channelKeys(new Keyspace(prefix));
    const stores = Array.from({ length: 8 }, () => new RedisChannelStore(redis.connect(), { keyPrefix: prefix }));
    const ids = Array.from({ length: 10 }, (_, i) => `ch-${i}`);
    await Promise.all(
      stores.map(async (s, n) => {
        for (let i = 0; i < 40; i++) {
          const id = ids[(i + n) % ids.length]!;
          if ((i + n) % 3 === 0) await s.removeChannels([id]);
          else if ((i + n) % 3 === 1) await s.addChannel({ channelId: id, channelName: 'n' });
          else await s.subscribe(`topic-${i % 4}`, id);
        }
      }),
    );
    const subs = await redis.client.zrange(k.subs, '0', '-1');
    const channelSubs = new Set(await redis.client.zrange(k.channelSubs, '0', '-1'));
    expect(subs.length).toBe(channelSubs.size);
    for (const m of subs) {
      const [topic, id] = m.split(':');
      expect(channelSubs.has(`${id}:${topic}`)).toBe(true);
    }
    await stores[0]!.removeChannels(ids);
    expect(await redis.client.exists(k.subs, k.channelSubs, k.names)).toBe(0);
  });
});
