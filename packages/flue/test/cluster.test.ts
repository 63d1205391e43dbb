import { defineStoreContractTests } from '@flue/runtime/test-utils';
import { defineAttachmentStoreContractTests } from '@flue/runtime/test-utils/attachment-store';
import { defineConversationStreamStoreContractTests } from '@flue/runtime/test-utils/conversation-stream';
import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { type FlueRedisAdapter, flueRedis, SPILL_BYTES } from '../src/index.js';
import { producerOn, readyDispatch, userRecord } from './helpers.js';

describe.runIf(hasTestCluster())('on a 3-master cluster', () => {
  const cluster = useTestCluster('flue-cluster');
  const open: FlueRedisAdapter[] = [];
  const fresh = async () => {
    const adapter = flueRedis(cluster.client, { keyPrefix: cluster.newPrefix('c') });
    open.push(adapter);
    return adapter.connect();
  };
  const cleanup = async () => {
    await Promise.all(open.splice(0).map((a) => a.close()));
  };

  // Flue's suites again: any CROSSSLOT would fail them.
  defineStoreContractTests('cluster: submission store', { create: async () => (await fresh()).submissionStore, cleanup });
  defineConversationStreamStoreContractTests('cluster: conversation stream store', {
    create: async () => {
      const s = await fresh();
      return { stream: s.conversationStreamStore, submissionStore: s.submissionStore };
    },
    cleanup,
  });
  defineAttachmentStoreContractTests('cluster: attachment store', { create: async () => (await fresh()).attachmentStore, cleanup });

  it('big batches, owned appends and cross-connection subscribe work without CROSSSLOT', async () => {
    const prefix = cluster.newPrefix('flow');
    const a = flueRedis(cluster.client, { keyPrefix: prefix });
    const b = flueRedis(cluster.connect(), { keyPrefix: prefix });
    const sa = await a.connect();
    const sb = await b.connect();
    await readyDispatch(sa.submissionStore, { agent: 'assistant', id: 'agent-1' });
    await sa.submissionStore.claimSubmission({ submissionId: 'dispatch-1', attemptId: 'a1', ownerId: 'o', leaseExpiresAt: Date.now() + 30_000 });
    const path = 'agents/assistant/agent-1';
    const producer = await producerOn(sa.conversationStreamStore, path);
    let heard = 0;
    const off = sb.conversationStreamStore.subscribe(path, () => {
      heard++;
    });
    const owner = { submissionId: 'dispatch-1', attemptId: 'a1' };
    const big = userRecord('big', 'w'.repeat(SPILL_BYTES * 2), owner);
    let seq = 0;
    await sa.conversationStreamStore.append({ path, ...producer, producerSequence: seq++, submission: owner, records: [big] });
    for (let i = 0; i < 200 && heard === 0; i++) {
      await sa.conversationStreamStore.append({ path, ...producer, producerSequence: seq++, submission: owner, records: [userRecord(`n${i}`, 'x', owner)] });
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(heard).toBeGreaterThan(0);
    off();
    expect((await sb.conversationStreamStore.read(path, { limit: 1 })).batches[0]?.records).toEqual([big]);
    expect(await sb.submissionStore.completeSubmission(owner)).toBe(true);
    await a.close();
    await b.close();
  });
});
