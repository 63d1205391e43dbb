import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisChannelStore, RedisEventHubStore } from '../src/index.js';

describe.runIf(hasTestCluster())('on a Redis Cluster', () => {
  const cluster = useTestCluster('channels-cluster');

  it('runs every operation without CROSSSLOT', async () => {
    const s = new RedisChannelStore(cluster.client, { keyPrefix: cluster.newPrefix(), channelTtlMs: 60_000 });
    const hub = new RedisEventHubStore(s);
    expect((await s.ensureSchema()).applied).toEqual(['001-initial']);
    for (const id of ['a', 'b:{x}', 'ü']) {
      await s.addChannel({ channelId: id, channelName: 'n', openingData: { id } });
      await s.setPikkuUserId(id, 'u');
      await s.setState(id, { id });
      expect(await s.getState(id)).toEqual({ id });
      await hub.subscribe('t', id);
    }
    expect((await hub.getChannelIdsForTopic('t')).sort()).toEqual(['a', 'b:{x}', 'ü']);
    expect(await hub.unsubscribe('t', 'a')).toBe(true);
    await s.clearState('b:{x}');
    expect((await s.getChannel('ü')).pikkuUserId).toBe('u');
    expect(await s.removeChannelsCounted(['a', 'b:{x}', 'ü'])).toBe(3);
    expect(await hub.getChannelIdsForTopic('t')).toEqual([]);
    expect(await s.sweepExpired()).toBe(0);
  });
});
