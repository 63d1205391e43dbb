import type { ChannelStore, EventHubStore } from '@pikku/core/channel';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisChannelStore, RedisEventHubStore } from '../src/index.js';

describe('types', () => {
  const redis = useTestRedis('channels-types');

  it('fits the slots Pikku declares for channelStore and eventHubStore', () => {
    const store = new RedisChannelStore(redis.client);
    const asStore: ChannelStore = store;
    // biome-ignore lint/suspicious/noExplicitAny: Pikku declares the slot with Record<string, any>
    const asHub: EventHubStore<Record<string, any>> = new RedisEventHubStore(store);
    expect(asStore).toBe(store);
    expect(asHub).toBeInstanceOf(RedisEventHubStore);
  });
});
