import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisAgentRunService, RedisAgentStorageService } from '../src/pikku.js';

describe.runIf(hasTestCluster())('Pikku agent services on a Redis Cluster', () => {
  const cluster = useTestCluster('pikku-cluster');

  it('runs every operation without CROSSSLOT', async () => {
    const prefix = cluster.newPrefix();
    const storage = new RedisAgentStorageService(cluster.client, { keyPrefix: prefix });
    const runs = new RedisAgentRunService(cluster.client, { keyPrefix: prefix });
    const threads = [];
    for (const r of ['a', 'a:b', 'c']) threads.push(await storage.createThread(r, { title: r }));
    const t = threads[1]!;
    await storage.saveMessages(t.id, [{ id: 'm', role: 'user', content: 'x', createdAt: new Date() }]);
    expect((await storage.getMessages(t.id, { lastN: 1 })).length).toBe(1);
    const runId = await storage.createRun({
      agentName: 'bot',
      threadId: t.id,
      resourceId: 'a:b',
      status: 'suspended',
      pendingApprovals: [{ type: 'tool-call', toolCallId: 'tc', toolName: 'n', args: {} }],
      usage: { inputTokens: 1, outputTokens: 1, model: 'm' },
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await storage.updateRun(runId, { status: 'running' });
    expect((await storage.findRunByToolCallId('tc'))!.run.runId).toBe(runId);
    expect(await storage.resolveApproval('tc', 'approved')).toBe(true);
    await storage.saveScore({ runId, scorerName: 's', score: 1 });
    expect((await storage.getScores(runId)).length).toBe(1);
    await storage.saveWorkingMemory('a', 'resource', { k: 1 });
    expect(await storage.getWorkingMemory('a', 'resource')).toEqual({ k: 1 });
    expect((await storage.getThreads('a')).map((x) => x.id)).toEqual([threads[0]!.id]);
    expect((await runs.listThreads({ owners: ['a'] })).length).toBe(2);
    expect((await runs.listThreads({ agentName: 'bot' })).map((x) => x.id)).toEqual([t.id]);
    expect((await runs.getThreadRuns(t.id)).length).toBe(1);
    expect(await runs.getDistinctAgentNames()).toEqual(['bot']);
    expect(await runs.deleteThread(t.id)).toBe(true);
    expect(await runs.getDistinctAgentNames()).toEqual([]);
  });
});
