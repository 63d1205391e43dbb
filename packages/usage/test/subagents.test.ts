import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore } from '../src/index.js';
import { tokens } from './helpers.js';

const link = (sessionId: string, subSessionId: string, agentName = 'child') => ({
  kind: 'subagent' as const,
  sessionId,
  subSessionId,
  agentName,
  stepCount: 1,
  timestamp: 10,
  source: { type: 'agent', name: sessionId },
});

describe('getRollup with includeSubAgents', () => {
  const redis = useTestRedis('usage-sub');
  const store = () => new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });

  it('folds in sub-agent sessions recursively, each once, and survives a cycle', async () => {
    const s = store();
    // root -> a -> b -> root (cycle), root -> b (diamond), a -> missing
    await s.recordEntry(tokens('root', { tokens: { prompt: 1, completion: 0 }, model: 'm1' }));
    await s.recordEntry(link('root', 'a'));
    await s.recordEntry(link('root', 'b'));
    await s.recordEntry(tokens('a', { tokens: { prompt: 10, completion: 0 }, model: 'm1' }));
    await s.recordEntry(link('a', 'b'));
    await s.recordEntry(link('a', 'gone'));
    await s.recordEntry(tokens('b', { tokens: { prompt: 100, completion: 0 }, model: 'm2' }));
    await s.recordEntry(link('b', 'root', 'parent'));

    const own = await s.getRollup('root');
    expect(own?.tokens.prompt).toBe(1);
    expect(own?.includedSessionIds).toEqual(['root']);

    const all = await s.getRollup('root', { includeSubAgents: true });
    expect(all?.tokens.prompt).toBe(111);
    expect(all?.tokens.byModel).toEqual({
      m1: { prompt: 11, completion: 0, reasoning: 0, cached: 0, total: 11, calls: 2 },
      m2: { prompt: 100, completion: 0, reasoning: 0, cached: 0, total: 100, calls: 1 },
    });
    expect(all?.entryCount).toBe(8);
    expect(all?.subAgents.calls).toBe(5);
    expect(all?.subAgents.byAgent).toEqual({ child: 4, parent: 1 });
    expect(all?.includedSessionIds.sort()).toEqual(['a', 'b', 'root']);
    expect(all?.missingSessionIds).toEqual(['gone']);
    expect(all?.truncated).toBe(false);
  });

  it('stops at maxDepth and says so', async () => {
    const s = store();
    for (let i = 0; i < 6; i++) {
      await s.recordEntry(tokens(`n${i}`, { tokens: { prompt: 1, completion: 0 } }));
      await s.recordEntry(link(`n${i}`, `n${i + 1}`));
    }
    await s.recordEntry(tokens('n6', { tokens: { prompt: 1, completion: 0 } }));
    const two = await s.getRollup('n0', { includeSubAgents: true, maxDepth: 2 });
    expect(two?.includedSessionIds).toEqual(['n0', 'n1', 'n2']);
    expect(two?.tokens.prompt).toBe(3);
    expect(two?.truncated).toBe(true);
    const zero = await s.getRollup('n0', { includeSubAgents: true, maxDepth: 0 });
    expect(zero?.tokens.prompt).toBe(1);
    expect(zero?.truncated).toBe(true);
    const full = await s.getRollup('n0', { includeSubAgents: true });
    expect(full?.tokens.prompt).toBe(7);
    expect(full?.truncated).toBe(false);
    // A session alone, including itself as a sub-agent, counts once.
    await s.recordEntry(link('self', 'self'));
    const self = await s.getRollup('self', { includeSubAgents: true });
    expect(self?.subAgents.calls).toBe(1);
    expect(self?.includedSessionIds).toEqual(['self']);
  });

  it('does not change the stored rollups it reads', async () => {
    const s = store();
    await s.recordEntry(tokens('p', { tokens: { prompt: 2, completion: 0 } }));
    await s.recordEntry(link('p', 'c'));
    await s.recordEntry(tokens('c', { tokens: { prompt: 3, completion: 0 } }));
    const before = await s.getRollup('c');
    await s.getRollup('p', { includeSubAgents: true });
    expect(await s.getRollup('c')).toEqual(before);
    expect((await s.getRollup('p', { includeSubAgents: true }))?.tokens.prompt).toBe(5);
  });
});
