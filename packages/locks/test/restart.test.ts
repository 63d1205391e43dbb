import { type RedisServerHandle, startRedis } from '@redstate/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FenceGuard, RedisLockManager, StaleFencingTokenError } from '../src/index.js';

describe('fencing tokens survive a server restart (AOF, appendfsync always)', () => {
  let server: RedisServerHandle;
  const clients: Redis[] = [];
  const connect = () => {
    const c = server.connect({ maxRetriesPerRequest: 20 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startRedis({ useEnv: false, appendfsync: 'always' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await server?.stop();
  });

  it('keeps counting after a graceful restart and after SIGKILL', async () => {
    const m = new RedisLockManager(connect(), { keyPrefix: 'restart' });
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lock = await m.acquire('job', { ttlMs: 60_000 });
      seen.push(lock?.fencingToken ?? -1);
      await lock?.release();
    }
    const held = await m.acquire('job', { ttlMs: 60_000, owner: 'survivor' });
    seen.push(held?.fencingToken ?? -1);

    await server.restart();
    const m2 = new RedisLockManager(connect(), { keyPrefix: 'restart' });
    // The held lease came back from the AOF too.
    expect((await m2.getLock('job'))?.owner).toBe('survivor');
    expect(await m2.acquire('job')).toBeNull();
    expect(await held?.release()).toBe(true);
    const afterRestart = await m2.acquire('job', { ttlMs: 60_000 });
    seen.push(afterRestart?.fencingToken ?? -1);
    await afterRestart?.release();

    await server.kill('SIGKILL');
    await server.start();
    const m3 = new RedisLockManager(connect(), { keyPrefix: 'restart' });
    const afterKill = await m3.acquire('job', { ttlMs: 60_000 });
    seen.push(afterKill?.fencingToken ?? -1);

    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps the newest fenced token after SIGKILL', async () => {
    const guard = new FenceGuard(connect(), { keyPrefix: 'restart-fence' });
    await guard.check('doc', 7);
    await server.kill('SIGKILL');
    await server.start();
    const guard2 = new FenceGuard(connect(), { keyPrefix: 'restart-fence' });
    expect(await guard2.current('doc')).toBe(7);
    await expect(guard2.check('doc', 6)).rejects.toBeInstanceOf(StaleFencingTokenError);
  });
});
