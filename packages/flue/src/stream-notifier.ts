import { StreamListenerRegistry } from '@flue/runtime/adapter';
import { isCluster, type RedisClient } from '@redstate/core';

/**
 * Cross-process `subscribe`: appends PUBLISH on a per-stream channel (inside the append
 * script), and one duplicate() connection we own SUBSCRIBEs for the paths with listeners.
 * Local appends also notify directly, so a listener never waits for the SUBSCRIBE to land.
 */
export class StreamNotifier {
  private readonly registry = new StreamListenerRegistry();
  private readonly counts = new Map<string, number>();
  private readonly pathByChannel = new Map<string, string>();
  private subscriber: RedisClient | undefined;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly channelFor: (path: string) => string,
    /** CLIENT SETNAME of the subscriber connection (standalone clients), for operators. */
    private readonly connectionName: string,
  ) {}

  subscribe(path: string, listener: () => void): () => void {
    const unsubscribe = this.registry.subscribe(path, listener);
    const channel = this.channelFor(path);
    const count = (this.counts.get(channel) ?? 0) + 1;
    this.counts.set(channel, count);
    if (count === 1 && !this.closed) {
      this.pathByChannel.set(channel, path);
      this.connection()
        .subscribe(channel)
        .catch(() => {});
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      unsubscribe();
      const left = (this.counts.get(channel) ?? 1) - 1;
      if (left > 0) {
        this.counts.set(channel, left);
        return;
      }
      this.counts.delete(channel);
      this.pathByChannel.delete(channel);
      if (this.subscriber && !this.closed) this.subscriber.unsubscribe(channel).catch(() => {});
    };
  }

  notify(path: string): void {
    this.registry.notify(path);
  }

  async close(): Promise<void> {
    this.closed = true;
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  private connection(): RedisClient {
    if (!this.subscriber) {
      const sub: RedisClient = isCluster(this.client)
        ? this.client.duplicate()
        : this.client.duplicate({ connectionName: this.connectionName });
      sub.on('error', () => {});
      sub.on('message', (channel: string) => {
        const path = this.pathByChannel.get(channel);
        if (path !== undefined) this.registry.notify(path);
      });
      this.subscriber = sub;
      return sub;
    }
    return this.subscriber;
  }
}
