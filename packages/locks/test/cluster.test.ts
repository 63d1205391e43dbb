import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { FenceGuard, LockLostError, RedisLockManager, StaleFencingTokenError } from '../src/index.js';

describe.runIf(hasTestCluster())('on a Redis Cluster', () => {
  const cluster = useTestCluster('locks');

  it('runs every operation without CROSSSLOT across many keys', async () => {
    const m = new RedisLockManager(cluster.client, { keyPrefix: cluster.newPrefix() });
    expect(await m.ensureSchema()).toEqual({ applied: ['001-initial'], current: ['001-initial'] });
    const keys = Array.from({ length: 30 }, (_, i) => `session:${i}/{x}`);
    for (const key of keys) {
      const lock = await m.acquire(key, { ttlMs: 10_000, owner: 'o' });
      expect(lock?.fencingToken).toBe(1);
      expect(await m.acquire(key)).toBeNull();
      expect(await m.isLocked(key)).toBe(true);
      expect((await m.getLock(key))?.owner).toBe('o');
      await lock?.refresh(20_000);
      expect(await lock?.release()).toBe(true);
      expect(await lock?.release()).toBe(false);
      await expect(lock?.refresh()).rejects.toBeInstanceOf(LockLostError);
      expect((await m.acquire(key))?.fencingToken).toBe(2);
    }
    expect(await m.withLock('wl', async (_s, lock) => lock.fencingToken, { ttlMs: 300 })).toBe(1);
    const lease = await m.acquireSemaphore('sem', 2);
    expect(await m.semaphoreCount('sem')).toBe(1);
    await lease?.refresh();
    expect(await lease?.release()).toBe(true);
    expect(await m.withSemaphore('sem', 2, async (_s, l) => l.fencingToken)).toBe(2);
  });

  it('keeps mutual exclusion with racing cluster connections', async () => {
    const prefix = cluster.newPrefix();
    const managers = Array.from({ length: 4 }, () => new RedisLockManager(cluster.connect(), { keyPrefix: prefix }));
    let inside = 0;
    let max = 0;
    const tokens: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (managers[i % 4] as RedisLockManager).withLock(
          'hot',
          async (_s, lock) => {
            tokens.push(lock.fencingToken);
            inside++;
            max = Math.max(max, inside);
            await new Promise((r) => setTimeout(r, 2));
            inside--;
          },
          { waitMs: 25_000, retryDelayMs: 2 },
        ),
      ),
    );
    expect(max).toBe(1);
    expect(tokens).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('fences on the cluster', async () => {
    const guard = new FenceGuard(cluster.client, { keyPrefix: cluster.newPrefix() });
    for (let i = 0; i < 10; i++) {
      expect(await guard.check(`r${i}`, 5)).toBe(5);
      await expect(guard.check(`r${i}`, 4)).rejects.toBeInstanceOf(StaleFencingTokenError);
      expect(await guard.current(`r${i}`)).toBe(5);
    }
  });
});
