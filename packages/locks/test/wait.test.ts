import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisLockManager } from '../src/index.js';

describe('acquire with waitMs and signal', () => {
  const redis = useTestRedis('locks-wait');
  const manager = () => new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });

  it('waits for the holder to release and then gets the next token', async () => {
    const m = manager();
    const holder = await m.acquire('k', { ttlMs: 60_000 });
    const waiting = m.acquire('k', { waitMs: 20_000, owner: 'waiter' });
    setTimeout(() => void holder?.release(), 100);
    const lock = await waiting;
    expect(lock?.owner).toBe('waiter');
    expect(lock?.fencingToken).toBe(2);
  });

  it('waits for the holder to expire', async () => {
    const m = manager();
    await m.acquire('k', { ttlMs: 100 });
    const lock = await m.acquire('k', { waitMs: 20_000 });
    expect(lock?.fencingToken).toBe(2);
  });

  it('returns null once waitMs runs out', async () => {
    const m = manager();
    await m.acquire('k', { ttlMs: 60_000 });
    expect(await m.acquire('k', { waitMs: 150 })).toBeNull();
    expect(await m.acquire('k', { waitMs: 0 })).toBeNull();
  });

  it('rejects with the signal reason when aborted while waiting, leaving the lock alone', async () => {
    const m = manager();
    const holder = await m.acquire('k', { ttlMs: 60_000, owner: 'holder' });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const waiting = m.acquire('k', { waitMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(waiting).rejects.toBe(reason);
    expect((await m.getLock('k'))?.owner).toBe('holder');
    await holder?.release();
  });

  it('does not touch Redis when the signal is already aborted', async () => {
    const m = manager();
    const controller = new AbortController();
    controller.abort();
    await expect(m.acquire('k', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await redis.client.exists(m.lockKeys('k').token)).toBe(0);
  });

  it('many waiters are served one at a time with increasing tokens', async () => {
    const prefix = redis.newPrefix();
    const managers = Array.from({ length: 5 }, () => new RedisLockManager(redis.connect(), { keyPrefix: prefix }));
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const lock = await (managers[i % 5] as RedisLockManager).acquire('k', { waitMs: 25_000, ttlMs: 10_000, retryDelayMs: 2 });
        if (!lock) throw new Error('waiter timed out');
        order.push(lock.fencingToken);
        await new Promise((r) => setTimeout(r, 2));
        await lock.release();
      }),
    );
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
