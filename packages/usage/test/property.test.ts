import { useTestRedis } from '@redstate/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore, type UsageEntry, type UsageEntryInput, type UsageRollup } from '../src/index.js';
import { expectedRollup } from './helpers.js';

const source = fc.record({ type: fc.constantFrom('agent', 'tool'), name: fc.constantFrom('a', 'b') });
const common = {
  stepCount: fc.nat({ max: 50 }),
  timestamp: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }),
  source,
};
const models = fc.constantFrom('gpt-4o', 'o3', 'claude.sonnet', '模型');
const entryArb = (sessionId: string): fc.Arbitrary<UsageEntryInput> =>
  fc.oneof(
    fc.record(
      {
        kind: fc.constant('tokens' as const),
        sessionId: fc.constant(sessionId),
        ...common,
        model: models,
        tokens: fc.record(
          {
            prompt: fc.nat({ max: 100_000 }),
            completion: fc.nat({ max: 100_000 }),
            reasoning: fc.nat({ max: 1000 }),
            cached: fc.nat({ max: 1000 }),
            total: fc.nat({ max: 300_000 }),
          },
          { requiredKeys: ['prompt', 'completion'] },
        ),
      },
    ),
    fc.record({
      kind: fc.constant('tool' as const),
      sessionId: fc.constant(sessionId),
      ...common,
      toolName: fc.constantFrom('search', 'fetch', 'a.b'),
      success: fc.boolean(),
      durationMs: fc.nat({ max: 10_000 }),
    }),
    fc.record(
      {
        kind: fc.constant('subagent' as const),
        sessionId: fc.constant(sessionId),
        ...common,
        agentName: fc.constantFrom('researcher', 'writer'),
        subSessionId: fc.constantFrom('kid-1', 'kid-2', 'kid:3'),
        success: fc.boolean(),
        durationMs: fc.nat({ max: 10_000 }),
      },
      { requiredKeys: ['kind', 'sessionId', 'stepCount', 'timestamp', 'source', 'agentName', 'subSessionId'] },
    ),
    fc.record({
      kind: fc.constant('custom' as const),
      sessionId: fc.constant(sessionId),
      ...common,
      name: fc.constantFrom('cost', 'latency'),
      // Integers and exact binary fractions: sums are exact in both double and long double.
      value: fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -4096, max: 4096 }).map((n) => n / 8)),
    }),
  );

function comparable(rollup: UsageRollup | null): unknown {
  if (!rollup) return null;
  return { ...rollup };
}

async function recordAll(store: RedisUsageStore, entries: readonly UsageEntryInput[]): Promise<UsageEntry[]> {
  const stored: UsageEntry[] = [];
  for (let i = 0; i < entries.length; i += 500) {
    const slice = entries.slice(i, i + 500);
    const results = await Promise.all(slice.map((e) => store.recordEntry(e)));
    results.forEach((r, j) => {
      if (r.recorded) stored.push({ ...(slice[j] as UsageEntry), id: r.id });
    });
  }
  return stored;
}

describe('rollup equals the sum of its entries', () => {
  const redis = useTestRedis('usage-prop');

  it('after 10,000 random entries', async () => {
    const store = new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });
    const [entries] = fc.sample(fc.array(entryArb('big'), { minLength: 10_000, maxLength: 10_000 }), { numRuns: 1, seed: 42 });
    const stored = await recordAll(store, entries!);
    expect(stored).toHaveLength(10_000);
    expect(comparable(await store.getRollup('big'))).toEqual(expectedRollup('big', stored));
    expect(await store.getEntryCount('big')).toBe(10_000);
    const all = await store.getEntries('big');
    expect(all).toHaveLength(10_000);
    expect(comparable(await store.getRollup('big'))).toEqual(expectedRollup('big', all));
  });

  it('for random sequences with retried ids (property)', async () => {
    const prefix = redis.newPrefix();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(entryArb('p'), fc.nat({ max: 30 })), { minLength: 0, maxLength: 120 }),
        async (pairs) => {
          const store = new RedisUsageStore(redis.client, { keyPrefix: `${prefix}-${run++}` });
          // Ids drawn from a small pool: a repeated id is a retry of the first body.
          const byId = new Map<string, UsageEntryInput>();
          const inputs = pairs.map(([entry, n]) => {
            const id = `id-${n}`;
            const first = byId.get(id) ?? { ...entry, id };
            byId.set(id, first);
            return first;
          });
          const stored = await recordAll(store, inputs);
          expect(stored).toHaveLength(byId.size);
          const expected = stored.length === 0 ? null : expectedRollup('p', stored);
          expect(comparable(await store.getRollup('p'))).toEqual(expected);
          expect(await store.getEntryCount('p')).toBe(byId.size);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });
});
