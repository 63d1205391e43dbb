import { startRedis } from '@redstate/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisAgentRunService, RedisAgentStorageService } from '../src/pikku.js';

describe('Pikku agent services across a server restart', () => {
  const started = startRedis({ useEnv: false, appendfsync: 'always' });
  afterAll(async () => (await started).stop());

  it('threads, messages, runs and scores survive (AOF)', async () => {
    const server = await started;
    const client = server.connect();
    try {
      const storage = new RedisAgentStorageService(client);
      const runs = new RedisAgentRunService(client);
      const t = await storage.createThread('r', { metadata: { list: [] } });
      const base = Date.now();
      await storage.saveMessages(t.id, [1, 2, 3].map((i) => ({ id: `m${i}`, role: 'user' as const, content: `c${i}`, createdAt: new Date(base + i) })));
      const runId = await storage.createRun({ agentName: 'a', threadId: t.id, resourceId: 'r', status: 'completed', usage: { inputTokens: 1, outputTokens: 1, model: 'm' }, createdAt: new Date(), updatedAt: new Date() });
      await storage.saveScore({ runId, scorerName: 's', score: 0.25 });
      await server.restart();
      await client.ping();
      expect((await runs.getThread(t.id))!.metadata).toEqual({ list: [] });
      expect((await storage.getMessages(t.id, { cursor: 'm1' })).map((m) => m.id)).toEqual(['m2', 'm3']);
      expect((await storage.getMessages(t.id, { cursor: 'm1', lastN: 1 })).map((m) => m.id)).toEqual(['m2']);
      expect((await storage.getMessages(t.id, { cursor: 'unknown' })).map((m) => m.id)).toEqual([]);
      expect((await runs.getThreadRuns(t.id)).map((r) => r.runId)).toEqual([runId]);
      expect((await storage.getScores(runId)).map((s) => s.score)).toEqual([0.25]);
    } finally {
      client.disconnect();
    }
  });
});
