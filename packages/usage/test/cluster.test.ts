import { Keyspace } from '@redstate/core';
import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore } from '../src/index.js';
import { tokens } from './helpers.js';

describe.runIf(hasTestCluster())('RedisUsageStore on a Redis Cluster', () => {
  const cluster = useTestCluster('usage-cluster');

  it.each([1, 4])('runs every operation without CROSSSLOT, sessions spread over the masters (indexShards %i)', async (indexShards) => {
    const prefix = cluster.newPrefix();
    const s = new RedisUsageStore(cluster.client, { keyPrefix: prefix, indexShards });
    await s.ensureSchema();
    const ids = Array.from({ length: 12 }, (_, i) => `agent:{${i}}`);
    for (const [i, id] of ids.entries()) {
      await s.recordEntry(tokens(id, { id: 'e1', timestamp: 1, tokens: { prompt: i, completion: 1 } }));
      await s.recordEntry({ kind: 'tool', sessionId: id, stepCount: 2, timestamp: 5, source: { type: 'agent', name: 'a' }, toolName: 't', success: true });
      await s.recordEntry({ kind: 'custom', sessionId: id, stepCount: 3, timestamp: 6, source: { type: 'agent', name: 'a' }, name: 'c', value: 1.5 });
      if (i > 0) {
        await s.recordEntry({ kind: 'subagent', sessionId: ids[i - 1]!, stepCount: 4, timestamp: 7, source: { type: 'agent', name: 'a' }, agentName: 'x', subSessionId: id });
      }
      expect((await s.recordEntry(tokens(id, { id: 'e1', timestamp: 1, tokens: { prompt: i, completion: 1 } }))).recorded).toBe(false);
    }
    // The sessions really live on different masters.
    const nodes = new Set<string>();
    for (const id of ids) {
      const key = new Keyspace(prefix).child('usage').unit(id).key('rollup');
      expect(await cluster.client.exists(key)).toBe(1);
      const slot = Number(await cluster.client.cluster('KEYSLOT', key));
      nodes.add(String(cluster.client.slots[slot]?.[0]));
    }
    expect(nodes.size).toBeGreaterThan(1);
    expect(await s.getEntryCount(ids[3]!)).toBe(4);
    expect((await s.getEntries(ids[3]!, { kinds: ['tool'] })).map((e) => e.kind)).toEqual(['tool']);
    expect(await s.getEntries(ids[3]!, { stepRange: { min: 3, max: 4 } })).toHaveLength(2);
    const all = await s.getRollup(ids[0]!, { includeSubAgents: true, maxDepth: 20 });
    expect(all?.includedSessionIds).toEqual(ids);
    expect(all?.tokens.prompt).toBe((11 * 12) / 2);
    expect(all?.custom.c).toEqual({ count: 12, sum: 18, min: 1.5, max: 1.5 });

    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.findSessionIds({ cursor, limit: 5 });
      listed.push(...page.sessionIds);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(listed.sort()).toEqual([...ids].sort());

    expect(await s.delete(ids[5]!)).toBe(true);
    expect(await s.exists(ids[5]!)).toBe(false);
    expect((await s.findSessionIds({ limit: 100 })).sessionIds).not.toContain(ids[5]);
  });

  it('10 cluster connections racing on one session lose nothing', async () => {
    const prefix = cluster.newPrefix();
    const stores = Array.from({ length: 10 }, () => new RedisUsageStore(cluster.connect(), { keyPrefix: prefix }));
    await Promise.all(
      stores.map((s, c) =>
        Promise.all(Array.from({ length: 30 }, (_, i) => s.recordEntry(tokens('hot', { id: `e${(c * 30 + i) % 200}`, timestamp: 1, tokens: { prompt: 1, completion: 0 } })))),
      ),
    );
    expect(await stores[0]!.getEntryCount('hot')).toBe(200);
    expect((await stores[0]!.getRollup('hot'))?.tokens.prompt).toBe(200);
  });
});
