import { defineStoreContractTests } from '@flue/runtime/test-utils';
import { defineAttachmentStoreContractTests } from '@flue/runtime/test-utils/attachment-store';
import { defineConversationStreamStoreContractTests } from '@flue/runtime/test-utils/conversation-stream';
import { useTestRedis } from '@redstate/testing/vitest';
import { type FlueRedisAdapter, flueRedis } from '../src/index.js';

// Flue's published contract suites, unchanged, each test on a fresh key prefix.
const redis = useTestRedis('flue-contract');
const open: FlueRedisAdapter[] = [];

async function fresh() {
  const adapter = flueRedis(redis.client, { keyPrefix: redis.newPrefix('c') });
  open.push(adapter);
  return adapter.connect();
}

async function cleanup() {
  await Promise.all(open.splice(0).map((a) => a.close()));
}

defineStoreContractTests('flueRedis submission store', {
  create: async () => (await fresh()).submissionStore,
  cleanup,
  formatVersion: {
    open: () => {
      const prefix = redis.newPrefix('fv');
      const adapter = flueRedis(redis.client, { keyPrefix: prefix });
      const meta = `${prefix}:meta`;
      return {
        migrate: () => adapter.migrate(),
        readStamp: async (key: string) => (await redis.client.hget(meta, key)) ?? undefined,
        writeStamp: async (key: string, value: string) => {
          await redis.client.hset(meta, key, value);
        },
        deleteStamp: async (key: string) => {
          await redis.client.hdel(meta, key);
        },
        cleanup: () => adapter.close(),
      };
    },
  },
});

defineConversationStreamStoreContractTests('flueRedis conversation stream store', {
  create: async () => {
    const stores = await fresh();
    return { stream: stores.conversationStreamStore, submissionStore: stores.submissionStore };
  },
  cleanup,
});

defineAttachmentStoreContractTests('flueRedis attachment store', {
  create: async () => (await fresh()).attachmentStore,
  cleanup,
});
