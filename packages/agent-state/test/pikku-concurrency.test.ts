import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisAgentStorageService } from '../src/pikku.js';

const usage = { inputTokens: 0, outputTokens: 0, model: 'm' };

describe('Pikku agent storage under concurrency', () => {
  const redis = useTestRedis('pikku-race');

  it('many processes resolving the same approval: exactly one claims it', async () => {
    const prefix = redis.newPrefix();
    const writer = new RedisAgentStorageService(redis.client, { keyPrefix: prefix });
    const t = await writer.createThread('r');
    for (let round = 0; round < 10; round++) {
      const runId = await writer.createRun({
        agentName: 'a',
        threadId: t.id,
        resourceId: 'r',
        status: 'suspended',
        suspendReason: 'approval',
        pendingApprovals: [
          { type: 'tool-call', toolCallId: `tc-${round}`, toolName: 'x', args: { big: '123456789012345678901234567890', list: [] } },
          { type: 'tool-call', toolCallId: `keep-${round}`, toolName: 'y', args: [] },
        ],
        usage,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      const racers = Array.from({ length: 8 }, () => new RedisAgentStorageService(redis.connect(), { keyPrefix: prefix }));
      const claims = await Promise.all(racers.map((r) => r.resolveApproval(`tc-${round}`, 'approved')));
      expect(claims.filter(Boolean).length).toBe(1);
      const run = await writer.getRun(runId);
      expect(run!.pendingApprovals).toEqual([{ type: 'tool-call', toolCallId: `keep-${round}`, toolName: 'y', args: [] }]);
      const found = await writer.findRunByToolCallId(`keep-${round}`);
      expect(found!.run.runId).toBe(runId);
      expect(await writer.findRunByToolCallId(`tc-${round}`)).toBeNull();
    }
  });

  it('concurrent updateRun calls never lose a field another writer set', async () => {
    const prefix = redis.newPrefix();
    const writer = new RedisAgentStorageService(redis.client, { keyPrefix: prefix });
    const t = await writer.createThread('r');
    const runId = await writer.createRun({ agentName: 'a', threadId: t.id, resourceId: 'r', status: 'running', usage, createdAt: new Date(), updatedAt: new Date() });
    const racers = Array.from({ length: 6 }, () => new RedisAgentStorageService(redis.connect(), { keyPrefix: prefix }));
    await Promise.all([
      racers[0]!.updateRun(runId, { status: 'suspended' }),
      racers[1]!.updateRun(runId, { usage: { inputTokens: 9, outputTokens: 9, model: 'v2' } }),
      racers[2]!.updateRun(runId, { missingRpcs: ['x'] }),
      racers[3]!.updateRun(runId, { errorMessage: 'e' }),
      racers[4]!.updateRun(runId, { suspendReason: 'rpc-missing' }),
      racers[5]!.saveScore({ runId, scorerName: 's', score: 0.5 }),
    ]);
    const run = await writer.getRun(runId);
    expect(run).toMatchObject({
      status: 'suspended',
      usage: { inputTokens: 9, outputTokens: 9, model: 'v2' },
      missingRpcs: ['x'],
      errorMessage: 'e',
      suspendReason: 'rpc-missing',
    });
    expect((await writer.getScores(runId)).map((s) => s.score)).toEqual([0.5]);
  });
});
