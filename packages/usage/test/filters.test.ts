import { useTestRedis } from '@redstate/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GetEntriesOptions, RedisUsageStore, type UsageEntry, type UsageEntryKind } from '../src/index.js';

const KINDS: UsageEntryKind[] = ['tokens', 'tool', 'subagent', 'custom'];

describe('getEntries filters', () => {
  const redis = useTestRedis('usage-filter');
  let store: RedisUsageStore;
  const all: UsageEntry[] = [];

  beforeAll(async () => {
    store = new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });
    for (let i = 0; i < 120; i++) {
      const kind = KINDS[(i * 7) % 4]!;
      // Timestamps repeat (ties) and are not in step order.
      const base = { id: `e${i}`, sessionId: 's', stepCount: i % 13, timestamp: 1000 + ((i * 37) % 50), source: { type: 'agent', name: 'a' } };
      const entry =
        kind === 'tokens'
          ? { ...base, kind, model: 'm', tokens: { prompt: i, completion: 1 } }
          : kind === 'tool'
            ? { ...base, kind, toolName: 't', success: i % 2 === 0 }
            : kind === 'subagent'
              ? { ...base, kind, agentName: 'x', subSessionId: `k${i}` }
              : { ...base, kind, name: 'c', value: i };
      await store.recordEntry(entry);
      all.push(entry as UsageEntry);
    }
  });

  // Reference: recording order, then a stable sort by the driver's score.
  function expected(o: GetEntriesOptions = {}): string[] {
    const byStep = o.stepRange !== undefined && o.timeRange === undefined;
    const seq = new Map<string, number>();
    for (let i = 0; i < 120; i++) seq.set(`e${i}`, i);
    const list = all
      .map((e) => ({ e, seq: seq.get(e.id)! }))
      .filter(({ e }) => !o.kinds || o.kinds.includes(e.kind))
      .filter(({ e }) => e.stepCount >= (o.stepRange?.min ?? 0) && e.stepCount <= (o.stepRange?.max ?? Number.MAX_SAFE_INTEGER))
      .filter(({ e }) => e.timestamp >= (o.timeRange?.start ?? 0) && e.timestamp <= (o.timeRange?.end ?? Number.MAX_SAFE_INTEGER))
      .sort((a, b) => (byStep ? a.e.stepCount - b.e.stepCount : a.e.timestamp - b.e.timestamp) || a.seq - b.seq)
      .map(({ e }) => e.id);
    const from = o.offset ?? 0;
    return list.slice(from, o.limit === undefined ? undefined : from + o.limit);
  }

  const cases: GetEntriesOptions[] = [
    {},
    { kinds: ['tokens'] },
    { kinds: ['tool', 'custom'] },
    { kinds: ['tokens', 'tool', 'subagent', 'custom'] },
    { stepRange: { min: 3, max: 5 } },
    { stepRange: { min: 12 } },
    { stepRange: { max: 0 } },
    { timeRange: { start: 1010, end: 1020 } },
    { timeRange: { start: 1049 } },
    { timeRange: { start: 1010, end: 1020 }, stepRange: { min: 2, max: 8 } },
    { kinds: ['subagent'], stepRange: { min: 2, max: 8 } },
    { kinds: ['subagent'], timeRange: { start: 1005, end: 1040 }, stepRange: { min: 2, max: 8 } },
    { kinds: ['tool', 'tokens'], stepRange: { min: 4, max: 9 }, limit: 5, offset: 3 },
    { limit: 10 },
    { limit: 10, offset: 115 },
    { offset: 500 },
    { kinds: ['custom'], limit: 4, offset: 2 },
    { kinds: ['tool'], timeRange: { start: 1020 }, limit: 3 },
    { stepRange: {} },
    { timeRange: { start: 1030, end: 1010 } },
    { timeRange: { start: 1010, end: 1030 }, kinds: ['custom', 'subagent'], limit: 3, offset: 1 },
  ];

  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, options) => {
    const ids = (await store.getEntries('s', options)).map((e) => e.id);
    expect(ids).toEqual(expected(options));
  });

  it('a filter selects a real subset (guards against a vacuous reference)', () => {
    expect(expected({ kinds: ['tokens'] }).length).toBeGreaterThan(10);
    expect(expected({ kinds: ['tokens'] }).length).toBeLessThan(120);
    expect(expected({ stepRange: { min: 3, max: 5 } }).length).toBeGreaterThan(10);
  });
});
