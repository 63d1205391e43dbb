import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { LockLostError, type Lock, RedisLockManager, ValidationError } from '../src/index.js';

describe('counting semaphore', () => {
  const redis = useTestRedis('locks-sem');
  const manager = () => new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });

  it('hands out at most limit leases with increasing tokens', async () => {
    const m = manager();
    const leases: (Lock | null)[] = [];
    for (let i = 0; i < 4; i++) leases.push(await m.acquireSemaphore('pool', 3, { ttlMs: 60_000 }));
    expect(leases.map((l) => l?.fencingToken ?? null)).toEqual([1, 2, 3, null]);
    expect(await m.semaphoreCount('pool')).toBe(3);
    expect(await leases[1]?.release()).toBe(true);
    expect(await leases[1]?.release()).toBe(false);
    expect(await m.semaphoreCount('pool')).toBe(2);
    expect((await m.acquireSemaphore('pool', 3))?.fencingToken).toBe(4);
    // Locks and semaphores of the same name are separate.
    expect((await m.acquire('pool'))?.fencingToken).toBe(1);
  });

  it('frees the slot of an expired lease; its holder cannot refresh it', async () => {
    const m = manager();
    const short = await m.acquireSemaphore('pool', 1, { ttlMs: 30 });
    await expect.poll(() => m.semaphoreCount('pool'), { interval: 10, timeout: 5000 }).toBe(0);
    const next = await m.acquireSemaphore('pool', 1, { ttlMs: 60_000 });
    expect(next?.fencingToken).toBe(2);
    await expect(short?.refresh()).rejects.toBeInstanceOf(LockLostError);
    expect(await short?.release()).toBe(false);
    expect(await m.semaphoreCount('pool')).toBe(1);
    await next?.refresh(120_000);
    expect(await redis.client.pttl(m.semaphoreKeys('pool').holders)).toBeGreaterThan(60_000);
  });

  it('never exceeds the limit with many racing connections', async () => {
    const prefix = redis.newPrefix();
    const managers = Array.from({ length: 10 }, () => new RedisLockManager(redis.connect(), { keyPrefix: prefix }));
    const limit = 4;
    let inside = 0;
    let max = 0;
    const tokens: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (managers[i % 10] as RedisLockManager).withSemaphore(
          'pool',
          limit,
          async (_signal, lease) => {
            tokens.push(lease.fencingToken);
            inside++;
            max = Math.max(max, inside);
            await new Promise((r) => setTimeout(r, 5 + Math.random() * 5));
            inside--;
          },
          { waitMs: 25_000, retryDelayMs: 2, ttlMs: 10_000 },
        ),
      ),
    );
    expect(max).toBeLessThanOrEqual(limit);
    expect(max).toBeGreaterThan(1);
    expect([...tokens].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await managers[0]?.semaphoreCount('pool')).toBe(0);
  });

  it('waits for a free slot and can be aborted', async () => {
    const m = manager();
    const held = await m.acquireSemaphore('pool', 1, { ttlMs: 60_000 });
    const waiting = m.acquireSemaphore('pool', 1, { waitMs: 20_000 });
    setTimeout(() => void held?.release(), 50);
    expect((await waiting)?.fencingToken).toBe(2);
    const controller = new AbortController();
    const blocked = m.acquireSemaphore('pool', 1, { waitMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancel')), 50);
    await expect(blocked).rejects.toThrow('cancel');
  });

  it('rejects a bad limit', async () => {
    const m = manager();
    for (const bad of [0, -1, 1.5, 2_000_000]) {
      await expect(m.acquireSemaphore('pool', bad)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await redis.client.exists(m.semaphoreKeys('pool').token)).toBe(0);
  });
});
