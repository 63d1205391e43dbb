import { EventHubStore } from '@pikku/core/channel';
import type { RedisChannelStore } from './channel-store.js';

/**
 * Pikku `EventHubStore` backed by a {@link RedisChannelStore}: subscriptions live in the
 * channel store's atomic unit, so they vanish with the channel (remove or TTL).
 */
export class RedisEventHubStore<EventTopics extends Record<string, unknown> = Record<string, unknown>> extends EventHubStore<EventTopics> {
  constructor(private readonly channels: RedisChannelStore) {
    super();
  }

  getChannelIdsForTopic(topic: string): Promise<string[]> {
    return this.channels.getChannelIdsForTopic(topic);
  }

  subscribe<T extends keyof EventTopics>(topic: T, channelId: string): Promise<boolean> {
    return this.channels.subscribe(String(topic), channelId);
  }

  unsubscribe<T extends keyof EventTopics>(topic: T, channelId: string): Promise<boolean> {
    return this.channels.unsubscribe(String(topic), channelId);
  }
}
