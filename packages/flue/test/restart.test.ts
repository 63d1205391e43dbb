import { createAttachmentRef } from '@flue/runtime/adapter';
import { ServerConfigError } from '@redstate/core';
import { type RedisServerHandle, startRedis } from '@redstate/testing';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { flueRedis, SPILL_BYTES } from '../src/index.js';
import { producerOn, readyDispatch, userRecord } from './helpers.js';

const servers: RedisServerHandle[] = [];
const clients: Redis[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await Promise.all(servers.map((s) => s.stop()));
});

async function dedicated(args?: readonly string[]): Promise<{ server: RedisServerHandle; client: Redis }> {
  const server = await startRedis({ useEnv: false, appendfsync: 'always', ...(args && { args }) });
  servers.push(server);
  const client = server.connect({ maxRetriesPerRequest: 20 });
  clients.push(client);
  return { server, client };
}

describe('restart', () => {
  it('submissions, streams (incl. a big batch) and attachments survive a SIGKILL; scripts reload after NOSCRIPT', async () => {
    const { server, client } = await dedicated();
    const adapter = flueRedis(client, { keyPrefix: 'r' });
    await adapter.migrate();
    const stores = await adapter.connect();
    const sub = await readyDispatch(stores.submissionStore);
    await stores.submissionStore.claimSubmission({ submissionId: sub.submissionId, attemptId: 'a1', ownerId: 'o', leaseExpiresAt: Date.now() + 30_000 });
    const path = 'agents/assistant/agent-1';
    const producer = await producerOn(stores.conversationStreamStore, path);
    const big = userRecord('big', 'q'.repeat(SPILL_BYTES * 3));
    await stores.conversationStreamStore.append({ path, ...producer, producerSequence: 0, records: [userRecord('small'), big] });

    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i % 256);
    const attachment = await createAttachmentRef({ id: 'att-1', mimeType: 'image/png', bytes });
    await stores.attachmentStore.put({ streamPath: path, attachment, bytes, conversationId: 'c1' });

    await server.kill('SIGKILL');
    await server.start();
    await client.ping();

    expect(await stores.submissionStore.getSubmission(sub.submissionId)).toMatchObject({ status: 'running', attemptId: 'a1' });
    expect((await stores.conversationStreamStore.read(path)).batches[0]?.records).toEqual([userRecord('small'), big]);
    expect(await stores.attachmentStore.get({ streamPath: path, conversationId: 'c1', attachmentId: 'att-1' })).toEqual({
      attachment,
      bytes,
    });
    // Scripts were flushed by the restart: the next write falls back to EVAL and works.
    expect(await stores.submissionStore.completeSubmission({ submissionId: sub.submissionId, attemptId: 'a1' })).toBe(true);
    await expect(
      stores.conversationStreamStore.append({ path, ...producer, producerSequence: 1, records: [userRecord('after')] }),
    ).resolves.toEqual({ offset: '0000000000000000_0000000000000001' });
    expect(await adapter.ensureSchema()).toMatchObject({ formatStamp: 'ok', schema: { applied: [] } });
    await adapter.close();
  });
});

describe('inspectServer at startup', () => {
  it('connect() refuses an evicting server with ServerConfigError; inspectServer: false skips the check', async () => {
    const { client } = await dedicated(['--maxmemory-policy', 'allkeys-lru']);
    await expect(flueRedis(client, { keyPrefix: 'e' }).connect()).rejects.toBeInstanceOf(ServerConfigError);
    const adapter = flueRedis(client, { keyPrefix: 'e', inspectServer: false });
    await expect(adapter.connect()).resolves.toHaveProperty('submissionStore');
    expect(adapter.serverReport).toBeUndefined();
  });

  it('connect() records the report on a safe server', async () => {
    const { client } = await dedicated();
    const adapter = flueRedis(client, { keyPrefix: 'ok' });
    await adapter.connect();
    expect(adapter.serverReport).toMatchObject({ mode: 'standalone', maxmemoryPolicy: 'noeviction' });
  });
});
