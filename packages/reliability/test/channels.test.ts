import { RedisChannelStore } from '@redstate/channels';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

const TOPICS = 4;

/**
 * Write i = add channel c-i, set its state and subscribe it to topic t-(i % 4) (all
 * idempotent). Invariants: every acknowledged channel is there with its state, and the topic
 * index lists exactly channels that exist.
 */
function channelsWorkload(): Workload {
  return {
    name: 'channels',
    async open(client, prefix) {
      const store = new RedisChannelStore(client, { keyPrefix: prefix });
      await store.init();
      const write = async (id: string, i: number) => {
        await store.addChannel({ channelId: id, channelName: 'chat', openingData: { i } });
        await store.setState(id, { i });
        await store.subscribe(`t-${i % TOPICS}`, id);
      };
      return {
        write: (i) => write(`c-${i}`, i),
        fill: (i) => write(`fill-${i}`, i),
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [];
          const subscribed = new Set<string>();
          for (let t = 0; t < TOPICS; t++) {
            for (const id of await store.getChannelIdsForTopic(`t-${t}`)) {
              subscribed.add(id);
              const exists = await store.getChannel(id).then(
                () => true,
                () => false,
              );
              if (!exists) violations.push(`topic t-${t} lists missing channel ${id}`);
            }
          }
          for (const i of acked) {
            const id = `c-${i}`;
            const channel = await store.getChannel(id).catch(() => null);
            if (!channel) {
              lost.push(i);
              continue;
            }
            const state = await store.getState(id);
            if (JSON.stringify(state) !== JSON.stringify({ i })) violations.push(`${id}: state ${JSON.stringify(state)}`);
            if (!subscribed.has(id)) violations.push(`${id}: missing from topic t-${i % TOPICS}`);
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            addChannel: () => store.addChannel({ channelId: 'probe', channelName: 'chat', openingData: {} }),
            getChannel: () => store.getChannel('probe'),
            setState: () => store.setState('probe', {}),
            getState: () => store.getState('probe'),
            removeChannels: () => store.removeChannels(['probe']),
            subscribe: () => store.subscribe('t', 'probe'),
            getChannelIdsForTopic: () => store.getChannelIdsForTopic('t'),
          };
        },
      };
    },
  };
}

describeFaults(channelsWorkload());
