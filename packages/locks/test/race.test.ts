import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisLockManager } from '../src/index.js';

const CONTENDERS = 50;
const CONNECTIONS = 10;
const DURATION_MS = 5000;

describe('mutual exclusion under contention', () => {
  const redis = useTestRedis('locks-race');

  it(`${CONTENDERS} contenders on ${CONNECTIONS} connections for ${DURATION_MS / 1000} s never hold the lock together`, async () => {
    const prefix = redis.newPrefix();
    const managers = Array.from({ length: CONNECTIONS }, () => new RedisLockManager(redis.connect(), { keyPrefix: prefix }));
    // The independent check: a plain counter on its own connection, outside the lock's keys.
    const witness = redis.connect();
    const holdersKey = `${prefix}-witness-holders`;
    const tokens: number[] = [];
    let overlaps = 0;
    let maxHolders = 0;
    const stopAt = Date.now() + DURATION_MS;

    const contender = async (i: number) => {
      const m = managers[i % CONNECTIONS] as RedisLockManager;
      while (Date.now() < stopAt) {
        const lock = await m.acquire('hot', { ttlMs: 10_000, owner: `c${i}`, waitMs: 200, retryDelayMs: 2 });
        if (!lock) continue;
        tokens.push(lock.fencingToken);
        const holders = await witness.incr(holdersKey);
        maxHolders = Math.max(maxHolders, holders);
        if (holders !== 1) overlaps++;
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        await witness.decr(holdersKey);
        expect(await lock.release()).toBe(true);
      }
    };
    await Promise.all(Array.from({ length: CONTENDERS }, (_, i) => contender(i)));

    expect(overlaps).toBe(0);
    expect(maxHolders).toBe(1);
    expect(tokens.length).toBeGreaterThan(CONTENDERS);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
    // Every successful acquire consumed exactly one token; failed attempts consumed none.
    expect(tokens).toEqual(Array.from({ length: tokens.length }, (_, i) => i + 1));
    expect(Number(await witness.get(managers[0]?.lockKeys('hot').token ?? ''))).toBe(tokens.length);
  }, 30_000);

  it('exactly one of many simultaneous first attempts wins', async () => {
    const prefix = redis.newPrefix();
    const managers = Array.from({ length: CONNECTIONS }, () => new RedisLockManager(redis.connect(), { keyPrefix: prefix }));
    await managers[0]?.ensureSchema();
    for (let round = 0; round < 20; round++) {
      const results = await Promise.all(
        Array.from({ length: CONTENDERS }, (_, i) => (managers[i % CONNECTIONS] as RedisLockManager).acquire(`k${round}`)),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.fencingToken).toBe(1);
    }
  });
});
