import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { LockLostError, LockUnavailableError, RedisLockManager } from '../src/index.js';

describe('withLock', () => {
  const redis = useTestRedis('locks-with');
  const manager = () => new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });

  it('runs fn under the lock, returns its result and releases', async () => {
    const m = manager();
    const result = await m.withLock('k', async (signal, lock) => {
      expect(signal.aborted).toBe(false);
      expect(lock.fencingToken).toBe(1);
      expect(await m.isLocked('k')).toBe(true);
      return 42;
    });
    expect(result).toBe(42);
    expect(await m.isLocked('k')).toBe(false);
  });

  it('releases when fn throws and rethrows its error', async () => {
    const m = manager();
    const boom = new Error('boom');
    await expect(
      m.withLock('k', () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await m.isLocked('k')).toBe(false);
  });

  it('refreshes the lease while fn runs longer than ttlMs', async () => {
    const prefix = redis.newPrefix();
    const m = new RedisLockManager(redis.client, { keyPrefix: prefix });
    const other = new RedisLockManager(redis.connect(), { keyPrefix: prefix });
    const result = await m.withLock(
      'k',
      async (signal) => {
        for (let i = 0; i < 10; i++) {
          await new Promise((r) => setTimeout(r, 150));
          expect(await other.acquire('k')).toBeNull();
        }
        return signal.aborted;
      },
      { ttlMs: 600 },
    );
    expect(result).toBe(false);
    expect(await m.isLocked('k')).toBe(false);
    expect((await other.acquire('k'))?.fencingToken).toBe(2);
  });

  it('aborts fn when the lock is lost and then throws LockLostError', async () => {
    const m = manager();
    let sawAbort: unknown;
    const run = m.withLock(
      'k',
      async (signal) => {
        // Someone (an operator, or expiry during a pause) removes the lease.
        await redis.client.del(m.lockKeys('k').lock);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        sawAbort = signal.reason;
        return 'done';
      },
      { ttlMs: 10_000, refreshIntervalMs: 20 },
    );
    await expect(run).rejects.toBeInstanceOf(LockLostError);
    expect(sawAbort).toBeInstanceOf(LockLostError);
  });

  it('throws LockLostError when the lock vanished before fn returned, even without a refresh', async () => {
    const m = manager();
    await expect(
      m.withLock(
        'k',
        async () => {
          await redis.client.del(m.lockKeys('k').lock);
          return 'done';
        },
        { ttlMs: 60_000 },
      ),
    ).rejects.toBeInstanceOf(LockLostError);
  });

  it('does not release a lock that a new holder took over', async () => {
    const m = manager();
    await expect(
      m.withLock(
        'k',
        async (signal) => {
          await redis.client.del(m.lockKeys('k').lock);
          const taker = await m.acquire('k', { owner: 'taker', ttlMs: 60_000 });
          expect(taker?.fencingToken).toBe(2);
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        },
        { ttlMs: 10_000, refreshIntervalMs: 20 },
      ),
    ).rejects.toBeInstanceOf(LockLostError);
    expect((await m.getLock('k'))?.owner).toBe('taker');
  });

  it('throws LockUnavailableError when the lock stays held', async () => {
    const m = manager();
    await m.acquire('k', { ttlMs: 60_000 });
    let ran = false;
    const error = await m
      .withLock('k', () => {
        ran = true;
      }, { waitMs: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockUnavailableError);
    expect(LockUnavailableError.isInstance(error)).toBe(true);
    expect(ran).toBe(false);
  });

  it('forwards the caller signal to fn', async () => {
    const m = manager();
    const controller = new AbortController();
    const reason = new Error('stop');
    const seen = await m.withLock('k', async (signal) => {
      controller.abort(reason);
      return signal.aborted ? signal.reason : null;
    }, { signal: controller.signal });
    expect(seen).toBe(reason);
    expect(await m.isLocked('k')).toBe(false);
  });

  it('serialises concurrent withLock calls', async () => {
    const prefix = redis.newPrefix();
    const managers = Array.from({ length: 5 }, () => new RedisLockManager(redis.connect(), { keyPrefix: prefix }));
    let inside = 0;
    let max = 0;
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        (managers[i % 5] as RedisLockManager).withLock(
          'k',
          async () => {
            inside++;
            max = Math.max(max, inside);
            await new Promise((r) => setTimeout(r, 3));
            inside--;
          },
          { waitMs: 25_000, retryDelayMs: 2 },
        ),
      ),
    );
    expect(max).toBe(1);
  });
});
