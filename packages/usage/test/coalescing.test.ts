import { ConflictError, Keyspace } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore } from '../src/index.js';
import { tokens } from './helpers.js';

describe('recordEntry calls of one tick', () => {
  const redis = useTestRedis('usage-coalesce');

  it('are each decided as if alone: duplicates, conflicts and good entries in one run', async () => {
    const store = new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });
    await store.recordEntry(tokens('a', { id: 'first' }));
    const e2 = tokens('b', { id: 'e2', model: 'o3' });
    const calls = [
      store.recordEntry(tokens('a', { id: 'e1' })),
      store.recordEntry(e2),
      store.recordEntry(tokens('a', { id: 'first', tokens: { prompt: 1, completion: 1 } })),
      store.recordEntry(tokens('c', { id: 'e3' })),
      store.recordEntry(e2),
    ];
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.recorded : ConflictError.isInstance(s.reason) && 'conflict'))).toEqual([
      true,
      true,
      'conflict',
      true,
      false, // same id and body as e2 in the same run: counted once
    ]);
    expect((await store.getRollup('a'))?.entryCount).toBe(2);
    expect((await store.getRollup('b'))?.tokens.byModel.o3?.calls).toBe(1);
    expect((await store.findSessionIds()).sessionIds).toEqual(['a', 'b', 'c']);
  });

  it('a rollup stored by 0.1 (with stored totals and bounds) reads the same', async () => {
    const prefix = redis.newPrefix();
    const store = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    const rollupKey = new Keyspace(prefix).child('usage').unit('legacy').key('rollup');
    // The 0.1 layout: totals next to the per-name counters, bounds in the hash.
    await redis.client.hset(rollupKey, {
      n: '2',
      'ts.first': '1000',
      'ts.last': '2000',
      'step.max': '3',
      'tok.prompt': '30',
      'tok.total': '45',
      'tok.calls': '2',
      'tokm.prompt.m': '30',
      'tokm.total.m': '45',
      'tokm.calls.m': '2',
      'tool.calls': '1',
      'tool.ok': '1',
      'tool.ms': '9',
      'toolx.calls.t': '1',
      'toolx.ok.t': '1',
      'toolx.ms.t': '9',
      'sub.calls': '0',
    });
    const rollup = await store.getRollup('legacy');
    expect(rollup).toMatchObject({
      entryCount: 2,
      firstTimestamp: 1000,
      lastTimestamp: 2000,
      maxStep: 3,
      tokens: { prompt: 30, total: 45, calls: 2, byModel: { m: { prompt: 30, total: 45, calls: 2 } } },
      tools: { calls: 1, successes: 1, failures: 0, durationMs: 9, byTool: { t: { calls: 1, successes: 1, durationMs: 9 } } },
      subAgents: { calls: 0 },
    });
  });
});
