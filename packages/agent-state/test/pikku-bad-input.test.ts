import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { CorruptDataError, ValidationError } from '@redstate/core';
import { AgentRunNotFoundError, PikkuAgentKeys, RedisAgentRunService, RedisAgentStorageService } from '../src/pikku.js';

const usage = { inputTokens: 0, outputTokens: 0, model: 'm' };

describe('Pikku agent services: bad input and corrupt data', () => {
  const redis = useTestRedis('pikku-bad');

  it('rejects bad input with ValidationError and writes nothing', async () => {
    const prefix = redis.newPrefix();
    const storage = new RedisAgentStorageService(redis.client, { keyPrefix: prefix });
    const runs = new RedisAgentRunService(redis.client, { keyPrefix: prefix });
    await storage.ensureSchema();
    const before = (await keysMatching(redis.client, `${prefix}*`)).sort();
    const bad: Promise<unknown>[] = [
      storage.createThread(''),
      storage.createThread('r', { threadId: '' }),
      storage.createThread('r', { metadata: { big: 1n } }),
      storage.createThread('r', { extra: 1 } as never),
      storage.saveMessages('t', [{ id: '', role: 'user', createdAt: new Date() }]),
      storage.saveMessages('t', [{ id: 'm', role: 'robot', createdAt: new Date() } as never]),
      storage.saveMessages('t', [{ id: 'm', role: 'user', createdAt: new Date('nope') }]),
      storage.getMessages('t', { lastN: 0 }),
      storage.saveWorkingMemory('x', 'galaxy' as never, {}),
      storage.saveWorkingMemory('x', 'thread', [] as never),
      storage.createRun({ agentName: '', threadId: 't', resourceId: 'r', status: 'running', usage, createdAt: new Date(), updatedAt: new Date() }),
      storage.createRun({ agentName: 'a', threadId: 't', resourceId: 'r', status: 'weird' as never, usage, createdAt: new Date(), updatedAt: new Date() }),
      storage.updateRun('x', { status: 'nope' as never }),
      storage.saveScore({ runId: 'x', scorerName: 's', score: Number.NaN }),
      storage.resolveApproval('', 'approved'),
      runs.listThreads({ limit: 0 }),
      runs.listThreads({ owners: [''] }),
      runs.getThread(''),
      runs.deleteThread(''),
    ];
    for (const p of bad) await expect(p).rejects.toBeInstanceOf(ValidationError);
    expect((await keysMatching(redis.client, `${prefix}*`)).sort()).toEqual(before);
  });

  it('unknown or malformed run ids are not found, never a crash', async () => {
    const storage = new RedisAgentStorageService(redis.client, { keyPrefix: redis.newPrefix() });
    expect(await storage.getRun('not-a-run-id')).toBeNull();
    expect(await storage.getScores('not-a-run-id')).toEqual([]);
    await expect(storage.updateRun('not-a-run-id', { status: 'completed' })).rejects.toBeInstanceOf(AgentRunNotFoundError);
    await expect(storage.saveScore({ runId: '00000000-0000-4000-8000-000000000000.t', scorerName: 's', score: 1 })).rejects.toBeInstanceOf(AgentRunNotFoundError);
    expect(await storage.resolveApproval('nothing', 'denied')).toBe(false);
  });

  it('corrupt stored data is a CorruptDataError naming the entity', async () => {
    const prefix = redis.newPrefix();
    const storage = new RedisAgentStorageService(redis.client, { keyPrefix: prefix });
    const runs = new RedisAgentRunService(redis.client, { keyPrefix: prefix });
    const t = await storage.createThread('r', { threadId: 'c' });
    const k = new PikkuAgentKeys(prefix).thread(t.id);
    await redis.client.hset(k.data, 'createdAt', 'yesterday');
    await expect(runs.getThread('c')).rejects.toBeInstanceOf(CorruptDataError);
    await redis.client.hset(k.data, 'createdAt', '1');
    await storage.saveMessages('c', [{ id: 'm', role: 'user', createdAt: new Date() }]);
    await redis.client.hset(k.messageData, 'm', '{"id":"m"}');
    await expect(runs.getThreadMessages('c')).rejects.toThrow(/message of thread c/);
  });
});
