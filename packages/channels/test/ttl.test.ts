import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { escapeKeyPart, Keyspace } from '@redstate/core';
import { ChannelNotFoundError, channelKeys, RedisChannelStore } from '../src/index.js';
import { waitForServerTime } from './helpers.js';

describe('channel TTL', () => {
  const redis = useTestRedis('channels-ttl');

  it('an idle channel expires with its state and subscriptions', async () => {
    const prefix = redis.newPrefix();
    const k = channelKeys(new Keyspace(prefix));
    const s = new RedisChannelStore(redis.client, { keyPrefix: prefix, channelTtlMs: 300 });
    await s.addChannel({ channelId: 'idle', channelName: 'n' });
    await s.setState('idle', { a: 1 });
    await s.subscribe('t', 'idle');
    const deadline = Number(await redis.client.zscore(k.expiry, escapeKeyPart('idle')));
    expect(deadline).toBeGreaterThan(0);
    await waitForServerTime(redis.client, deadline);

    await expect(s.getChannel('idle')).rejects.toBeInstanceOf(ChannelNotFoundError);
    expect(await s.getState('idle')).toBeUndefined();
    expect(await s.getChannelIdsForTopic('t')).toEqual([]);
    expect(await s.unsubscribe('t', 'idle')).toBe(false);
    await expect(s.setState('idle', 1)).rejects.toBeInstanceOf(ChannelNotFoundError);

    expect(await s.sweepExpired()).toBe(1);
    expect(await redis.client.exists(k.names, k.state, k.expiry, k.subs, k.channelSubs)).toBe(0);
  });

  it('activity pushes the deadline forward; a later subscribe or add sweeps other expired channels', async () => {
    const prefix = redis.newPrefix();
    const k = channelKeys(new Keyspace(prefix));
    const s = new RedisChannelStore(redis.client, { keyPrefix: prefix, channelTtlMs: 1_000 });
    await s.addChannel({ channelId: 'busy', channelName: 'n' });
    await s.addChannel({ channelId: 'idle', channelName: 'n' });
    const first = Number(await redis.client.zscore(k.expiry, 'busy'));
    await waitForServerTime(redis.client, first - 1_000 + 20);
    await s.getState('busy');
    const second = Number(await redis.client.zscore(k.expiry, 'busy'));
    expect(second).toBeGreaterThan(first);

    const idleDeadline = Number(await redis.client.zscore(k.expiry, 'idle'));
    await waitForServerTime(redis.client, idleDeadline);
    await s.subscribe('t', 'other');
    expect(await redis.client.hexists(k.names, 'idle')).toBe(0);
    expect(await redis.client.zscore(k.expiry, 'idle')).toBeNull();
  });

  it('without a TTL nothing expires and no expiry index is written', async () => {
    const prefix = redis.newPrefix();
    const k = channelKeys(new Keyspace(prefix));
    const s = new RedisChannelStore(redis.client, { keyPrefix: prefix });
    await s.addChannel({ channelId: 'c', channelName: 'n' });
    await s.subscribe('t', 'c');
    expect(await redis.client.exists(k.expiry)).toBe(0);
    expect(await redis.client.pttl(k.names)).toBe(-1);
  });
});
