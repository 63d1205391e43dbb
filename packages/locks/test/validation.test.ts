import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_TTL_MS, RedisLockManager, ValidationError } from '../src/index.js';

describe('bad input', () => {
  const redis = useTestRedis('locks-bad');

  it('rejects bad constructor arguments', () => {
    expect(() => new RedisLockManager({} as never)).toThrow(ValidationError);
    expect(() => new RedisLockManager(redis.client, { defaultTTLMs: 0 })).toThrow(ValidationError);
    expect(() => new RedisLockManager(redis.client, { defaultTTLMs: MAX_TTL_MS + 1 })).toThrow(ValidationError);
    expect(() => new RedisLockManager(redis.client, { keyPrefix: 'has space' })).toThrow(ValidationError);
    expect(() => new RedisLockManager(redis.client, { keyPrefix: '{tag}' })).toThrow(ValidationError);
    expect(() => new RedisLockManager(redis.client, { unknown: 1 } as never)).toThrow(ValidationError);
  });

  it('rejects empty keys, bad TTLs, owners and options with clear errors, writing nothing', async () => {
    const prefix = redis.newPrefix();
    const m = new RedisLockManager(redis.client, { keyPrefix: prefix });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['', {}, /lock key/],
      ['k', { ttlMs: 0 }, /ttlMs/],
      ['k', { ttlMs: -5 }, /ttlMs/],
      ['k', { ttlMs: 1.5 }, /ttlMs/],
      ['k', { ttlMs: MAX_TTL_MS + 1 }, /ttlMs.*7 days/],
      ['k', { ttlMs: Number.POSITIVE_INFINITY }, /ttlMs/],
      ['k', { ttlMs: '100' }, /ttlMs/],
      ['k', { owner: '' }, /owner/],
      ['k', { waitMs: -1 }, /waitMs/],
      ['k', { signal: 'nope' }, /signal/],
      ['k', { tll: 5 }, /tll/],
      ['x'.repeat(2000), {}, /lock key/],
      ['\uD800', {}, /lock key/],
    ];
    for (const [key, options, message] of cases) {
      const error = await m.acquire(key, options as never).catch((e: unknown) => e);
      expect(error, `${key.slice(0, 10)} ${JSON.stringify(options)}`).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(m.isLocked('')).rejects.toBeInstanceOf(ValidationError);
    await expect(m.getLock('')).rejects.toBeInstanceOf(ValidationError);
    await expect(m.withLock('k', () => 1, { refreshIntervalMs: 0 })).rejects.toBeInstanceOf(ValidationError);
    const keys = await keysMatching(redis.client, `${prefix}:*`);
    expect(keys).toEqual([]);
  });

  it('rejects a bad refresh TTL without changing the lease', async () => {
    const m = new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });
    const lock = await m.acquire('k', { ttlMs: 60_000 });
    await expect(lock?.refresh(0)).rejects.toBeInstanceOf(ValidationError);
    await expect(lock?.refresh(MAX_TTL_MS + 1)).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.client.pttl(m.lockKeys('k').lock)).toBeGreaterThan(50_000);
  });

  it('reports corrupt stored lock data as CorruptDataError', async () => {
    const m = new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });
    const lock = m.lockKeys('k').lock;
    const corrupt: [string, () => Promise<unknown>][] = [
      ['bad token', () => redis.client.set(lock, 'x|abc|1|o', 'PX', 60_000)],
      ['not the lease form', () => redis.client.set(lock, 'plain', 'PX', 60_000)],
      ['no TTL', () => redis.client.set(lock, 'x|1|1|o')],
      ['another type', () => redis.client.hset(lock, 'value', 'x', 'owner', 'o', 'token', '1', 'at', '1')],
    ];
    for (const [what, write] of corrupt) {
      await redis.client.del(lock);
      await write();
      await expect(m.getLock('k'), what).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
      expect(await m.isLocked('k'), what).toBe(true);
    }
  });
});
