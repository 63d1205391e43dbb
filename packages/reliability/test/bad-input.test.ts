import { RedstateError, ValidationError } from '@redstate/core';
import { RedisLockManager } from '@redstate/locks';
import { useTestRedis } from '@redstate/testing/vitest';
import { RedisUsageStore } from '@redstate/usage';
import { describe, expect, it } from 'vitest';
import { deepJson, FUZZ_IDS, INVALID_IDS, NON_JSON_VALUES, TEN_MB } from '../src/fuzz.js';

const redis = useTestRedis('bad-input');

/** Calls `fn` with a bad value and demands a typed ValidationError (never a TypeError or a write). */
async function expectValidation(fn: () => Promise<unknown>): Promise<void> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(RedstateError.isInstance(error), `expected a RedstateError, got ${String(error)}`).toBe(true);
  expect(error).toBeInstanceOf(ValidationError);
}

describe('locks: fuzzed ids', () => {
  it('each awkward id is its own lock; siblings are untouched', async () => {
    const locks = new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });
    const held = [];
    for (const id of FUZZ_IDS) {
      const lock = await locks.acquire(id, { ttlMs: 60_000 });
      expect(lock?.key).toBe(id);
      held.push(lock);
    }
    for (const id of FUZZ_IDS) expect(await locks.isLocked(id)).toBe(true);
    for (const id of FUZZ_IDS) expect(await locks.acquire(id, { ttlMs: 1000 })).toBeNull();
    await held[0]?.release();
    expect(await locks.isLocked(FUZZ_IDS[0] ?? '')).toBe(false);
    for (const id of FUZZ_IDS.slice(1)) expect(await locks.isLocked(id)).toBe(true);
  });

  it('invalid ids and options get ValidationError and write nothing', async () => {
    const prefix = redis.newPrefix();
    const locks = new RedisLockManager(redis.client, { keyPrefix: prefix });
    await locks.ensureSchema();
    for (const id of INVALID_IDS) await expectValidation(() => locks.acquire(id as string));
    for (const ttlMs of [0, -1, 1.5, Number.NaN, '10' as unknown as number]) {
      await expectValidation(() => locks.acquire('ok', { ttlMs }));
    }
    expect(await locks.isLocked('ok')).toBe(false);
  });
});

describe('usage: fuzzed ids and payloads', () => {
  const base = (sessionId: string, id: string, metadata?: Record<string, unknown>) => ({
    id,
    sessionId,
    stepCount: 1,
    timestamp: 1_700_000_000_000,
    source: { type: 'agent', name: 'fuzz' },
    kind: 'tool' as const,
    toolName: 'search',
    success: true,
    ...(metadata ? { metadata } : {}),
  });

  it('stores each awkward session id separately and reads it back exactly', async () => {
    const store = new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });
    for (const [n, sessionId] of FUZZ_IDS.entries()) {
      await store.recordEntry(base(sessionId, `e-${n}`, { n }));
    }
    for (const [n, sessionId] of FUZZ_IDS.entries()) {
      const entries = await store.getEntries(sessionId);
      expect(entries.map((e) => e.id)).toEqual([`e-${n}`]);
      expect(entries[0]?.metadata).toEqual({ n });
      expect(await store.getEntryCount(sessionId)).toBe(1);
    }
  });

  it('round-trips deep JSON and a 10 MB string exactly', async () => {
    const store = new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });
    const deep = { deep: deepJson(100), big: 2 ** 53 - 1, empty: [], obj: {} };
    await store.recordEntry(base('deep', 'd', deep));
    expect((await store.getEntries('deep'))[0]?.metadata).toEqual(deep);
    await store.recordEntry(base('huge', 'h', { text: TEN_MB }));
    expect((await store.getEntries('huge'))[0]?.metadata).toEqual({ text: TEN_MB });
  });

  it('refuses values JSON would change, with ValidationError, and writes nothing', async () => {
    const store = new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });
    for (const [name, value] of Object.entries(NON_JSON_VALUES)) {
      await expectValidation(() => store.recordEntry(base('s', `bad-${name}`, { value })));
    }
    for (const id of INVALID_IDS) await expectValidation(() => store.recordEntry(base(id as string, 'x')));
    expect(await store.exists('s')).toBe(false);
  });
});
