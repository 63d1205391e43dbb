import { RedisChannelStore as PikkuRedisChannelStore } from '@pikku/redis';
import { RedisChannelStore } from '@redstate/channels';
import { measure } from '../measure.ts';
import { bytesPerRecord } from '../memory.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';

interface ChannelStoreLike {
  addChannel(channel: { channelId: string; channelName: string; openingData: unknown }): Promise<void>;
  getChannel(channelId: string): Promise<unknown>;
  setState(channelId: string, state: unknown): Promise<void>;
  removeChannels(channelIds: string[]): Promise<void>;
}

const opening = { userAgent: 'bench', room: 'lobby', joinedAt: 1_700_000_000_000 };

/** Pikku channel store hot paths: register a channel on connect, read it on every message. */
export const channels: Scenario = {
  name: 'channels',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const subjects: Array<{ subject: string; store: ChannelStoreLike }> = [];
    const oursPrefix = ctx.prefix('channels');
    const ours = new RedisChannelStore(ctx.connect(), { keyPrefix: oursPrefix });
    await ours.init();
    subjects.push({ subject: 'redstate', store: ours });
    const peerPrefix = ctx.prefix('pikku-channels');
    // @pikku/redis bundles ioredis 5, so it gets the URL and owns its connection.
    const peer = new PikkuRedisChannelStore(ctx.url, peerPrefix);
    await peer.init();
    subjects.push({ subject: '@pikku/redis', store: peer });

    const results: ScenarioResult[] = [];
    try {
      for (const { subject, store } of subjects) {
        const add = await bytesPerRecord(ctx.admin, opts.ops + opts.warmup, () =>
          measure(ctx.admin, ctx.port, {
            ...opts,
            op: (i) => store.addChannel({ channelId: `c-${i}`, channelName: 'chat', openingData: opening }),
          }),
        );
        const get = await measure(ctx.admin, ctx.port, { ...opts, op: (i) => store.getChannel(`c-${i % ctx.ops}`) });
        const set = await measure(ctx.admin, ctx.port, {
          ...opts,
          op: (i) => store.setState(`c-${i % ctx.ops}`, { typing: i % 2 === 0, seq: i }),
        });
        // Each op removes one channel added above (ids 0 .. warm-up + ops - 1, each once).
        const remove = await measure(ctx.admin, ctx.port, { ...opts, op: (i) => store.removeChannels([`c-${i}`]) });
        results.push(
          { scenario: 'channel add', subject, measurement: add.value, bytesPerRecord: add.bytes },
          { scenario: 'channel get', subject, measurement: get },
          { scenario: 'channel setState', subject, measurement: set },
          { scenario: 'channel remove', subject, measurement: remove },
        );
      }
    } finally {
      await peer.close();
    }
    return results;
  },
};
