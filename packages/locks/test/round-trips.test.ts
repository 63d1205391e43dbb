import { type RedisServerHandle, startRedis } from '@redstate/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyScripts } from '@redstate/core';
import { FenceGuard, lockScripts, RedisLockManager } from '../src/index.js';

// A dedicated server, so no other test file's traffic shows up in the counters.
describe('round trips per operation', () => {
  let server: RedisServerHandle;
  let client: Redis;
  let probe: Redis;

  beforeAll(async () => {
    server = await startRedis({ useEnv: false, appendonly: false });
    client = server.connect();
    probe = server.connect({ lazyConnect: true });
  });
  afterAll(async () => {
    await client?.quit();
    probe?.disconnect();
    await server?.stop();
  });

  /**
   * Top-level commands the server ran for `op`, seen through MONITOR (commands a Lua
   * script runs inside the server are tagged `lua` there and not counted).
   */
  async function commandsFor(op: () => Promise<unknown>): Promise<number> {
    const monitor = await probe.monitor();
    const marker = `marker-${Math.random()}`;
    let count = 0;
    const done = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args[0]?.toLowerCase() === 'echo' && args[1] === marker) resolve();
        else if (source !== 'lua') count++;
      });
    });
    await op();
    await client.echo(marker);
    await done;
    monitor.disconnect();
    return count;
  }

  it('acquire, refresh, release, isLocked and a fence check each cost one command', async () => {
    const m = new RedisLockManager(client, { keyPrefix: 'rt' });
    const guard = new FenceGuard(client, { keyPrefix: 'rt-fence' });
    // Warm up: the lazy schema check and the script cache (a cold cache adds one EVAL).
    expect(await verifyScripts(client, lockScripts)).toEqual([]);
    await (await m.acquire('warm'))?.release();

    let lock: Awaited<ReturnType<RedisLockManager['acquire']>> = null;
    expect(await commandsFor(async () => (lock = await m.acquire('k')))).toBe(1);
    expect(await commandsFor(() => m.acquire('k'))).toBe(1);
    expect(await commandsFor(async () => lock?.refresh())).toBe(1);
    expect(await commandsFor(() => m.isLocked('k'))).toBe(1);
    expect(await commandsFor(async () => lock?.release())).toBe(1);
    expect(await commandsFor(() => guard.check('doc', 2))).toBe(1);

    let lease: Awaited<ReturnType<RedisLockManager['acquireSemaphore']>> = null;
    expect(await commandsFor(async () => (lease = await m.acquireSemaphore('s', 2)))).toBe(1);
    expect(await commandsFor(async () => lease?.refresh())).toBe(1);
    expect(await commandsFor(async () => lease?.release())).toBe(1);
    expect(await commandsFor(() => m.getLock('k'))).toBe(1);
  });

  it('acquires and releases issued in the same tick share one command, each answered as if alone', async () => {
    const m = new RedisLockManager(client, { keyPrefix: 'rt-batch' });
    await (await m.acquire('warm'))?.release();
    let locks: Awaited<ReturnType<RedisLockManager['acquire']>>[] = [];
    const names = ['a', 'b', 'c', 'a', 'b', 'd'];
    expect(await commandsFor(async () => (locks = await Promise.all(names.map((n) => m.acquire(n)))))).toBe(1);
    expect(locks.map((l) => l?.key ?? null)).toEqual(['a', 'b', 'c', null, null, 'd']);
    let released: boolean[] = [];
    expect(await commandsFor(async () => (released = await Promise.all(locks.map((l) => l?.release() ?? false))))).toBe(1);
    expect(released).toEqual([true, true, true, false, false, true]);
    expect(await m.isLocked('a')).toBe(false);
  });
});
