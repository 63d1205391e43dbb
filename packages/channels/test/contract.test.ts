import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { ChannelNotFoundError, channelKeys, RedisChannelStore, RedisEventHubStore } from '../src/index.js';
import { Keyspace, NotFoundError } from '@redstate/core';

describe('RedisChannelStore contract', () => {
  const redis = useTestRedis('channels');
  const store = () => new RedisChannelStore(redis.client, { keyPrefix: redis.newPrefix() });

  it('adds, reads and binds a user to a channel', async () => {
    const s = store();
    await s.addChannel({ channelId: 'c1', channelName: 'chat', openingData: { a: [], big: '12345678901234567890', n: 1.5 } });
    expect(await s.getChannel('c1')).toEqual({
      channelId: 'c1',
      channelName: 'chat',
      openingData: { a: [], big: '12345678901234567890', n: 1.5 },
    });
    await s.setPikkuUserId('c1', 'user-1');
    expect((await s.getChannel('c1')).pikkuUserId).toBe('user-1');
    await s.setPikkuUserId('c1', null);
    expect('pikkuUserId' in (await s.getChannel('c1'))).toBe(false);
  });

  it('keeps openingData exactly, including [] and nested empties', async () => {
    const s = store();
    const data = { list: [], obj: {}, nested: [[], [{}]], s: 'ü:{x}' };
    await s.addChannel({ channelId: 'c', channelName: 'n', openingData: data });
    expect((await s.getChannel('c')).openingData).toStrictEqual(data);
    await s.addChannel({ channelId: 'd', channelName: 'n' });
    expect('openingData' in (await s.getChannel('d'))).toBe(false);
  });

  it('throws ChannelNotFoundError with Pikku message for a missing channel', async () => {
    const s = store();
    const error = await s.getChannel('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelNotFoundError);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('Channel not found: nope');
    await expect(s.setPikkuUserId('nope', 'u')).rejects.toBeInstanceOf(ChannelNotFoundError);
    await expect(s.setState('nope', { a: 1 })).rejects.toBeInstanceOf(ChannelNotFoundError);
    expect(await s.getState('nope')).toBeUndefined();
    await s.clearState('nope');
  });

  it('sets, replaces and clears state', async () => {
    const s = store();
    await s.addChannel({ channelId: 'c', channelName: 'n' });
    expect(await s.getState('c')).toBeUndefined();
    await s.setState('c', { v: 1, arr: [] });
    expect(await s.getState('c')).toStrictEqual({ v: 1, arr: [] });
    await s.setState('c', [1, 2]);
    expect(await s.getState('c')).toStrictEqual([1, 2]);
    await s.setState('c', null);
    expect(await s.getState('c')).toBeNull();
    await s.clearState('c');
    expect(await s.getState('c')).toBeUndefined();
  });

  it('removes several channels, ignores unknown ids and counts existing ones', async () => {
    const s = store();
    await s.addChannel({ channelId: 'a', channelName: 'n' });
    await s.addChannel({ channelId: 'b', channelName: 'n' });
    expect(await s.removeChannelsCounted(['a', 'b', 'zzz'])).toBe(2);
    await expect(s.getChannel('a')).rejects.toBeInstanceOf(ChannelNotFoundError);
    await s.removeChannels([]);
  });

  it('re-adding a channel id starts it fresh (no old user, state or subscriptions)', async () => {
    const s = store();
    await s.addChannel({ channelId: 'c', channelName: 'old' });
    await s.setPikkuUserId('c', 'u');
    await s.setState('c', { x: 1 });
    await s.subscribe('t', 'c');
    await s.addChannel({ channelId: 'c', channelName: 'new' });
    expect(await s.getChannel('c')).toEqual({ channelId: 'c', channelName: 'new' });
    expect(await s.getState('c')).toBeUndefined();
    expect(await s.getChannelIdsForTopic('t')).toEqual([]);
  });

  it('subscribes, lists and unsubscribes, as the event hub store', async () => {
    const s = store();
    const hub = new RedisEventHubStore(s);
    await s.addChannel({ channelId: 'c1', channelName: 'n' });
    await s.addChannel({ channelId: 'c2', channelName: 'n' });
    expect(await hub.subscribe('news', 'c1')).toBe(true);
    expect(await hub.subscribe('news', 'c1')).toBe(true);
    expect(await hub.subscribe('news', 'c2')).toBe(true);
    expect(await hub.subscribe('news-extra', 'c2')).toBe(true);
    expect((await hub.getChannelIdsForTopic('news')).sort()).toEqual(['c1', 'c2']);
    expect(await hub.getChannelIdsForTopic('news-extra')).toEqual(['c2']);
    expect(await hub.unsubscribe('news', 'c1')).toBe(true);
    expect(await hub.unsubscribe('news', 'c1')).toBe(false);
    expect(await hub.getChannelIdsForTopic('news')).toEqual(['c2']);
    expect(await hub.getChannelIdsForTopic('unknown')).toEqual([]);
  });

  it('escapes ids and topics that look like key syntax or prefixes of each other', async () => {
    const s = store();
    const ids = ['a:b', 'a', 'a;', '{tag}', 'ü 😀', '*', 'a:b:c', '%41'];
    for (const id of ids) {
      await s.addChannel({ channelId: id, channelName: `name-${id}` });
      await s.subscribe(`t:${id}`, id);
      await s.subscribe('shared', id);
    }
    for (const id of ids) {
      expect((await s.getChannel(id)).channelName).toBe(`name-${id}`);
      expect(await s.getChannelIdsForTopic(`t:${id}`)).toEqual([id]);
    }
    expect((await s.getChannelIdsForTopic('shared')).sort()).toEqual([...ids].sort());
    await s.removeChannels(['a']);
    expect((await s.getChannelIdsForTopic('shared')).sort()).toEqual(ids.filter((i) => i !== 'a').sort());
    expect(await s.getChannelIdsForTopic('t:a:b')).toEqual(['a:b']);
  });

  it('stores every key under the prefix in one hash slot', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisChannelStore(redis.client, { keyPrefix: prefix });
    await s.addChannel({ channelId: 'c', channelName: 'n' });
    await s.setState('c', 1);
    await s.subscribe('t', 'c');
    const keys = await keysMatching(redis.client, `${prefix}:*`);
    const k = channelKeys(new Keyspace(prefix));
    expect(keys).toEqual(expect.arrayContaining([k.names, k.state, k.subs, k.channelSubs]));
    for (const key of keys) expect(key.startsWith(`${prefix}:{store}:`) || key.startsWith(`${prefix}:{schema:`)).toBe(true);
  });

  it('ensureSchema applies 001-initial once', async () => {
    const s = store();
    expect((await s.ensureSchema()).applied).toEqual(['001-initial']);
    expect((await s.ensureSchema()).applied).toEqual([]);
  });
});
