import type { CoreSingletonServices } from '@pikku/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, verifyScripts } from '@redstate/core';
import {
  AgentThreadNotFoundError,
  formatRunId,
  parseRunId,
  PikkuAgentKeys,
  pikkuAgentScripts,
  RedisAgentRunService,
  RedisAgentStorageService,
} from '../src/pikku.js';

const usage = { inputTokens: 1, outputTokens: 2, model: 'm' };

describe('Pikku agent runs (reader over the writer layout)', () => {
  const redis = useTestRedis('pikku-runs');
  const pair = (prefix = redis.newPrefix()) => ({
    prefix,
    storage: new RedisAgentStorageService(redis.client, { keyPrefix: prefix }),
    runs: new RedisAgentRunService(redis.client, { keyPrefix: prefix }),
  });

  it('reads threads, messages and runs the storage service wrote', async () => {
    const { storage, runs } = pair();
    const t = await storage.createThread('org:alice', { title: 'T', metadata: { tags: [], n: 1 } });
    const now = Date.now();
    await storage.saveMessages(t.id, [
      { id: 'm2', role: 'assistant', content: [{ type: 'text', text: 'hi' }], createdAt: new Date(now + 1) },
      { id: 'm1', role: 'user', content: 'hello', createdAt: new Date(now) },
    ]);
    await storage.saveMessages(t.id, [{ id: 'm1', role: 'user', content: 'edited', createdAt: new Date(now) }]);
    const r1 = await storage.createRun({ agentName: 'a1', threadId: t.id, resourceId: 'org:alice', status: 'completed', usage, createdAt: new Date(now), updatedAt: new Date(now) });
    const r2 = await storage.createRun({ agentName: 'a2', threadId: t.id, resourceId: 'org:alice', status: 'failed', errorMessage: 'x', usage, createdAt: new Date(now + 5), updatedAt: new Date(now + 5) });

    const read = await runs.getThread(t.id);
    expect(read).toMatchObject({ id: t.id, resourceId: 'org:alice', title: 'T', metadata: { tags: [], n: 1 } });
    expect(read!.createdAt).toBeInstanceOf(Date);
    const messages = await runs.getThreadMessages(t.id);
    expect(messages.map((m) => [m.id, m.content])).toEqual([
      ['m1', 'edited'],
      ['m2', [{ type: 'text', text: 'hi' }]],
    ]);
    expect(messages[0]!.createdAt.getTime()).toBe(now);
    const rows = await runs.getThreadRuns(t.id);
    expect(rows.map((r) => r.runId)).toEqual([r2, r1]);
    expect(rows[0]).toMatchObject({ agentName: 'a2', status: 'failed', errorMessage: 'x', usageInputTokens: 1, usageOutputTokens: 2, usageModel: 'm' });
    expect(parseRunId(r1)).toEqual({ uuid: r1.slice(0, 36), threadId: t.id });
    expect(await runs.getDistinctAgentNames()).toEqual(['a1', 'a2']);
    expect(await runs.getThreadMessages('none')).toEqual([]);
    expect(await runs.getThreadRuns('none')).toEqual([]);
  });

  it('listThreads filters by resourceId, owners and agentName, and pages', async () => {
    const { storage, runs } = pair();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const t = await storage.createThread(i % 2 === 0 ? 'acme' : 'acme:proj', { threadId: `t${i}` });
      ids.push(t.id);
      if (i < 3) {
        await storage.createRun({ agentName: 'bot', threadId: t.id, resourceId: t.resourceId, status: 'running', usage, createdAt: new Date(), updatedAt: new Date() });
      }
    }
    await storage.createThread('acme-evil', { threadId: 'evil' });
    await storage.createThread('other', { threadId: 'o' });
    expect((await runs.listThreads({ resourceId: 'acme' })).map((t) => t.id).sort()).toEqual(['t0', 't2', 't4', 't6']);
    expect((await runs.listThreads({ owners: ['acme'] })).map((t) => t.id).sort()).toEqual([...ids].sort());
    expect((await runs.listThreads({ owners: ['acme:proj'] })).map((t) => t.id).sort()).toEqual(['t1', 't3', 't5']);
    expect((await runs.listThreads({ owners: ['acme', 'other'], resourceId: 'other' })).map((t) => t.id)).toEqual(['o']);
    expect(await runs.listThreads({ owners: [] })).toEqual([]);
    expect((await runs.listThreads({ agentName: 'bot' })).map((t) => t.id).sort()).toEqual(['t0', 't1', 't2']);
    expect((await runs.listThreads({ agentName: 'bot', owners: ['acme:proj'] })).map((t) => t.id)).toEqual(['t1']);
    const all = await runs.listThreads();
    expect(all.length).toBe(9);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(all[i]!.createdAt.getTime());
    const page1 = await runs.listThreads({ limit: 4 });
    const page2 = await runs.listThreads({ limit: 4, offset: 4 });
    const page3 = await runs.listThreads({ limit: 4, offset: 8 });
    expect([...page1, ...page2, ...page3].map((t) => t.id)).toEqual(all.map((t) => t.id));
  });

  it('deleteThread removes the whole unit and its index entries', async () => {
    const { prefix, storage, runs } = pair();
    const t = await storage.createThread('x:y', { threadId: 'gone' });
    await storage.saveMessages(t.id, [{ id: 'm', role: 'user', content: 'c', createdAt: new Date() }]);
    const runId = await storage.createRun({
      agentName: 'solo',
      threadId: t.id,
      resourceId: 'x:y',
      status: 'suspended',
      suspendReason: 'approval',
      pendingApprovals: [{ type: 'tool-call', toolCallId: 'tc-gone', toolName: 'n', args: {} }],
      usage,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await storage.saveScore({ runId, scorerName: 's', score: 1 });
    await storage.saveWorkingMemory(t.id, 'thread', { a: 1 });
    const keep = await storage.createThread('x:y', { threadId: 'kept' });
    expect(await runs.deleteThread(t.id)).toBe(true);
    expect(await runs.deleteThread(t.id)).toBe(false);
    expect(await runs.getThread(t.id)).toBeNull();
    expect(await storage.getRun(runId)).toBeNull();
    expect(await storage.findRunByToolCallId('tc-gone')).toBeNull();
    expect(await storage.getWorkingMemory(t.id, 'thread')).toBeNull();
    expect(await runs.getDistinctAgentNames()).toEqual([]);
    expect((await runs.listThreads({ owners: ['x'] })).map((th) => th.id)).toEqual([keep.id]);
    const k = new PikkuAgentKeys(prefix);
    expect(await redis.client.exists(...k.thread(t.id).all)).toBe(0);
    expect(await redis.client.hexists(k.toolCalls, 'tc-gone')).toBe(0);
    expect(await redis.client.zscore(k.ownerThreads('x'), t.id)).toBeNull();
  });

  it('storage getThread throws a typed NotFound; createThread with a taken id is a ConflictError', async () => {
    const { storage } = pair();
    const error = await storage.getThread('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentThreadNotFoundError);
    expect(NotFoundError.isInstance(error)).toBe(true);
    await storage.createThread('r', { threadId: 'dup' });
    await expect(storage.createThread('r', { threadId: 'dup' })).rejects.toBeInstanceOf(ConflictError);
    await expect(storage.saveMessages('missing', [{ id: 'm', role: 'user', createdAt: new Date() }])).rejects.toBeInstanceOf(AgentThreadNotFoundError);
  });

  it('keeps ids with key syntax apart', async () => {
    const { storage, runs } = pair();
    for (const id of ['a:b', 'a', '{x}', 'ü 😀']) await storage.createThread(`res:${id}`, { threadId: id, title: id });
    for (const id of ['a:b', 'a', '{x}', 'ü 😀']) expect((await runs.getThread(id))!.title).toBe(id);
    const runId = await storage.createRun({ agentName: 'n:{x}', threadId: 'a:b', resourceId: 'res:a:b', status: 'running', usage, createdAt: new Date(), updatedAt: new Date() });
    expect(runId).toBe(formatRunId(runId.slice(0, 36), 'a:b'));
    expect((await storage.getRun(runId))!.threadId).toBe('a:b');
    expect(await runs.getDistinctAgentNames()).toEqual(['n:{x}']);
  });

  it('every Pikku script hash matches the server', async () => {
    expect(await verifyScripts(redis.client, pikkuAgentScripts)).toEqual([]);
  });
});

describe('Pikku agent service types', () => {
  const redis = useTestRedis('pikku-types');

  it('fits the agentRunService slot of Pikku singleton services', () => {
    const service = new RedisAgentRunService(redis.client);
    const slot: CoreSingletonServices['agentRunService'] = service;
    expect(slot).toBe(service);
  });
});
