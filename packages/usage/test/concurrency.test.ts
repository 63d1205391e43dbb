import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore } from '../src/index.js';
import { tokens } from './helpers.js';

describe('concurrent recordEntry', () => {
  const redis = useTestRedis('usage-race');

  it('10 connections racing on one session lose nothing and count retries once', async () => {
    const prefix = redis.newPrefix();
    const stores = Array.from({ length: 10 }, () => new RedisUsageStore(redis.connect(), { keyPrefix: prefix }));
    const perClient = 200;
    await Promise.all(
      stores.map(async (store, c) => {
        for (let i = 0; i < perClient; i += 50) {
          await Promise.all(
            Array.from({ length: 50 }, (_, j) => {
              const n = i + j;
              // Every client also re-sends entries owned by the next client (retries racing the original).
              const owner = n % 4 === 0 ? (c + 1) % stores.length : c;
              return store.recordEntry(
                tokens('shared', {
                  id: `c${owner}-e${n}`,
                  timestamp: 1_000 + n,
                  stepCount: n,
                  model: `m${owner % 3}`,
                  tokens: { prompt: owner + 1, completion: n },
                }),
              );
            }),
          );
        }
      }),
    );
    const reader = stores[0]!;
    const expectedIds = new Set<string>();
    let prompt = 0;
    let completion = 0;
    for (let c = 0; c < stores.length; c++) {
      for (let n = 0; n < perClient; n++) {
        const owner = n % 4 === 0 ? (c + 1) % stores.length : c;
        const id = `c${owner}-e${n}`;
        if (expectedIds.has(id)) continue;
        expectedIds.add(id);
        prompt += owner + 1;
        completion += n;
      }
    }
    expect(await reader.getEntryCount('shared')).toBe(expectedIds.size);
    const rollup = await reader.getRollup('shared');
    expect(rollup?.tokens.prompt).toBe(prompt);
    expect(rollup?.tokens.completion).toBe(completion);
    expect(rollup?.tokens.calls).toBe(expectedIds.size);
    const entries = await reader.getEntries('shared');
    expect(new Set(entries.map((e) => e.id))).toEqual(expectedIds);
    // Index members stay consistent with the entries hash.
    expect(await reader.getEntries('shared', { kinds: ['tokens'] })).toHaveLength(expectedIds.size);
    expect(await reader.getEntries('shared', { stepRange: { min: 0 , max: 10_000 } })).toHaveLength(expectedIds.size);
  });

  it('10 connections each writing their own sessions all appear in the index', async () => {
    const prefix = redis.newPrefix();
    const stores = Array.from({ length: 10 }, () => new RedisUsageStore(redis.connect(), { keyPrefix: prefix }));
    await Promise.all(stores.map((s, c) => Promise.all(Array.from({ length: 20 }, (_, i) => s.recordEntry(tokens(`s-${c}-${i}`))))));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stores[0]!.findSessionIds({ cursor, limit: 7 });
      seen.push(...page.sessionIds);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
  });
});
