import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { verifyScripts } from '@redstate/core';
import { channelScripts, RedisChannelStore } from '../src/index.js';

describe('scripts', () => {
  const redis = useTestRedis('channels-scripts');

  it('every script hash matches the server', async () => {
    expect(channelScripts.length).toBe(9);
    expect(await verifyScripts(redis.client, channelScripts)).toEqual([]);
  });

  it('recovers after SCRIPT FLUSH (EVALSHA falls back to EVAL)', async () => {
    const s = new RedisChannelStore(redis.client, { keyPrefix: redis.newPrefix() });
    await s.addChannel({ channelId: 'c', channelName: 'n' });
    await redis.client.script('FLUSH');
    expect((await s.getChannel('c')).channelName).toBe('n');
  });
});
