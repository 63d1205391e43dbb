import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { CorruptDataError, escapeKeyPart, Keyspace, ValidationError } from '@redstate/core';
import { addChannelScript, subscribeScript } from '../src/scripts.js';
import { channelKeys, RedisChannelStore } from '../src/index.js';
import { keysUnder } from './helpers.js';

describe('bad input', () => {
  const redis = useTestRedis('channels-bad');

  it('rejects bad options', () => {
    expect(() => new RedisChannelStore(redis.client, { channelTtlMs: -1 })).toThrow(ValidationError);
    expect(() => new RedisChannelStore(redis.client, { keyPrefix: 'a b' })).toThrow(ValidationError);
    expect(() => new RedisChannelStore(redis.client, { sweepLimit: 0 })).toThrow(ValidationError);
    expect(() => new RedisChannelStore(redis.client, { nope: 1 } as never)).toThrow(ValidationError);
  });

  it('rejects bad public input with ValidationError and writes nothing', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisChannelStore(redis.client, { keyPrefix: prefix });
    await s.ensureSchema();
    const before = await keysUnder(redis.client, prefix);
    const bad: Promise<unknown>[] = [
      s.addChannel({ channelId: '', channelName: 'n' }),
      s.addChannel({ channelId: 'c', channelName: '' }),
      s.addChannel({ channelId: 7, channelName: 'n' } as never),
      s.addChannel({ channelId: 'c', channelName: 'n', openingData: { big: 10n } }),
      s.addChannel({ channelId: 'x'.repeat(2000), channelName: 'n' }),
      s.addChannel({ channelId: '\ud800', channelName: 'n' }),
      s.removeChannels('c' as never),
      s.removeChannels(['ok', '']),
      s.setPikkuUserId('c', ''),
      s.setPikkuUserId('', 'u'),
      s.setState('c', () => 1),
      s.getChannel(''),
      s.subscribe('', 'c'),
      s.unsubscribe('t', ''),
      s.getChannelIdsForTopic(''),
      s.sweepExpired(0),
    ];
    for (const p of bad) await expect(p).rejects.toBeInstanceOf(ValidationError);
    expect(await keysUnder(redis.client, prefix)).toEqual(before);
  });

  it('scripts validate their own ARGV', async () => {
    const k = channelKeys(new Keyspace(redis.newPrefix()));
    await expect(addChannelScript.run(redis.client, k.all, ['', 0, 1, 'n', '0'])).rejects.toBeInstanceOf(ValidationError);
    await expect(addChannelScript.run(redis.client, k.all, ['c', -5, 1, 'n', '0'])).rejects.toBeInstanceOf(ValidationError);
    await expect(addChannelScript.run(redis.client, k.all, ['c', 0, 1, 'n', '1'])).rejects.toBeInstanceOf(ValidationError);
    await expect(subscribeScript.run(redis.client, k.all, ['c', 0, 1, ''])).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.client.exists(...k.all)).toBe(0);
  });

  it('reports corrupt stored JSON as CorruptDataError naming the channel', async () => {
    const prefix = redis.newPrefix();
    const k = channelKeys(new Keyspace(prefix));
    const s = new RedisChannelStore(redis.client, { keyPrefix: prefix });
    await s.addChannel({ channelId: 'c', channelName: 'n', openingData: 1 });
    await redis.client.hset(k.opening, escapeKeyPart('c'), '{not json');
    await redis.client.hset(k.state, escapeKeyPart('c'), '{not json');
    await expect(s.getChannel('c')).rejects.toBeInstanceOf(CorruptDataError);
    await expect(s.getState('c')).rejects.toThrow(/state of channel c/);
  });
});
