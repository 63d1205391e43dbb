import { startRedis } from '@redstate/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisChannelStore } from '../src/index.js';

describe('restart', () => {
  const started = startRedis({ useEnv: false, appendfsync: 'always' });
  afterAll(async () => (await started).stop());

  it('channels, state and subscriptions survive a server restart (AOF)', async () => {
    const server = await started;
    const client = server.connect();
    try {
      const s = new RedisChannelStore(client, { keyPrefix: 'restart' });
      await s.addChannel({ channelId: 'c', channelName: 'n', openingData: [] });
      await s.setState('c', { kept: true });
      await s.subscribe('t', 'c');
      await server.restart();
      await client.ping();
      expect(await s.getChannel('c')).toEqual({ channelId: 'c', channelName: 'n', openingData: [] });
      expect(await s.getState('c')).toEqual({ kept: true });
      expect(await s.getChannelIdsForTopic('t')).toEqual(['c']);
    } finally {
      client.disconnect();
    }
  });
});
